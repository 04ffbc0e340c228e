import 'server-only';
import { asc, eq, inArray } from 'drizzle-orm';
import { authorize, can, importDataCenterIds, repositoryBrowseSubject, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { dataCenters, imageRepositories } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import type { RemoteManifest } from '@/lib/imgapi/manifest';

export type RepositoryRow = typeof imageRepositories.$inferSelect;

/** Every repository with its refresh state, for whoever may browse them. */
export async function listRepositories(user: UserContext) {
  authorize(user, 'repository.browse', repositoryBrowseSubject(user));
  return await getDb()
    .select({
      id: imageRepositories.id,
      name: imageRepositories.name,
      url: imageRepositories.url,
      lastRefreshedAt: imageRepositories.lastRefreshedAt,
      imageCount: imageRepositories.imageCount,
      lastError: imageRepositories.lastError,
    })
    .from(imageRepositories)
    .orderBy(asc(imageRepositories.name));
}

export async function requireRepository(repositoryId: string): Promise<RepositoryRow> {
  const found = await firstRow(getDb().select().from(imageRepositories).where(eq(imageRepositories.id, repositoryId)));
  if (!found) throw new NotFoundError('The repository');
  return found;
}

/** One repository with its cached listing, for the browse page; null when absent or not for this user. */
export async function getRepository(
  user: UserContext,
  repositoryId: string,
): Promise<{ repository: RepositoryRow; manifests: RemoteManifest[] } | null> {
  if (!can(user, 'repository.browse', repositoryBrowseSubject(user))) return null;
  const repository = await firstRow(
    getDb().select().from(imageRepositories).where(eq(imageRepositories.id, repositoryId)),
  );
  return repository ? { repository, manifests: cachedManifestsOf(repository) } : null;
}

export function cachedManifestsOf(repository: RepositoryRow): RemoteManifest[] {
  // Written only by a refresh, after remoteManifestSchema accepted each entry.
  return (repository.cachedManifests ?? []) as RemoteManifest[];
}

/** Where this user may import to: their data centers, and for SuperAdmins also "global" (no data center). */
export async function importTargets(user: UserContext): Promise<{
  dataCenters: { id: string; name: string }[];
  allowGlobal: boolean;
}> {
  const ids = importDataCenterIds(user);
  const query = getDb().select({ id: dataCenters.id, name: dataCenters.name }).from(dataCenters);
  const rows = await (ids === null ? query : query.where(inArray(dataCenters.id, ids))).orderBy(asc(dataCenters.name));
  return { dataCenters: rows, allowGlobal: user.isSuperAdmin };
}
