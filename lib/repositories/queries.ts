import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { authorize, can, importDataCenterIds, repositoryBrowseSubject, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { dataCenters, imageRepositories } from '@/lib/db/tables';
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

export function requireRepository(repositoryId: string): RepositoryRow {
  const found = getDb().select().from(imageRepositories).where(eq(imageRepositories.id, repositoryId)).get();
  if (!found) throw new NotFoundError('The repository');
  return found;
}

/** One repository with its cached listing, for the browse page; null when absent or not for this user. */
export function getRepository(
  user: UserContext,
  repositoryId: string,
): { repository: RepositoryRow; manifests: RemoteManifest[] } | null {
  if (!can(user, 'repository.browse', repositoryBrowseSubject(user))) return null;
  const repository = getDb().select().from(imageRepositories).where(eq(imageRepositories.id, repositoryId)).get();
  return repository ? { repository, manifests: cachedManifestsOf(repository) } : null;
}

export function cachedManifestsOf(repository: RepositoryRow): RemoteManifest[] {
  // Written only by a refresh, after remoteManifestSchema accepted each entry.
  return (repository.cachedManifests ?? []) as RemoteManifest[];
}

/** Where this user may import to: their data centers, and for SuperAdmins also "global" (no data center). */
export function importTargets(user: UserContext): {
  dataCenters: { id: string; name: string }[];
  allowGlobal: boolean;
} {
  const ids = importDataCenterIds(user);
  const query = getDb().select({ id: dataCenters.id, name: dataCenters.name }).from(dataCenters);
  const rows = (ids === null ? query : query.where(inArray(dataCenters.id, ids))).orderBy(asc(dataCenters.name)).all();
  return { dataCenters: rows, allowGlobal: user.isSuperAdmin };
}
