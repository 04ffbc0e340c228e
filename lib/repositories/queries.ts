import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { authorize, repositoryBrowseSubject, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { imageRepositories } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';
import type { RemoteManifest } from '@/lib/imgapi/manifest';

export type RepositoryRow = typeof imageRepositories.$inferSelect;

/** Every repository with its refresh state, for whoever may browse them. */
export function listRepositories(user: UserContext) {
  authorize(user, 'repository.browse', repositoryBrowseSubject(user));
  return getDb()
    .select({
      id: imageRepositories.id,
      name: imageRepositories.name,
      url: imageRepositories.url,
      lastRefreshedAt: imageRepositories.lastRefreshedAt,
      imageCount: imageRepositories.imageCount,
      lastError: imageRepositories.lastError,
    })
    .from(imageRepositories)
    .orderBy(asc(imageRepositories.name))
    .all();
}

export function findRepository(repositoryId: string): RepositoryRow {
  const found = getDb().select().from(imageRepositories).where(eq(imageRepositories.id, repositoryId)).get();
  if (!found) throw new NotFoundError('The repository');
  return found;
}

/** One repository with its cached listing, for the browse page. */
export function getRepository(user: UserContext, repositoryId: string): { repository: RepositoryRow; manifests: RemoteManifest[] } {
  authorize(user, 'repository.browse', repositoryBrowseSubject(user));
  const repository = findRepository(repositoryId);
  return { repository, manifests: (repository.cachedManifests ?? []) as RemoteManifest[] };
}
