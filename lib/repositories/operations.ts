import 'server-only';
import { recordRepositoryError } from './record-error';
import { and, count, eq, ne } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize, repositoryBrowseSubject } from '@/lib/auth/policy';
import { newId, now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { imageRepositories } from '@/lib/db/tables';
import { ConflictError, errorMessage, UnavailableError, ValidationError } from '@/lib/errors';
import { listRemoteImages } from '@/lib/imgapi/client/remote';
import { requireRepository } from './queries';
import { createRepositorySchema, MAX_REPOSITORIES, repositoryIdSchema, updateRepositorySchema } from './schemas';

/** Remote IMGAPI repositories: SuperAdmins configure them; importers refresh and browse. */

async function assertNameFree(name: string, repositoryId?: string): Promise<void> {
  const taken = await firstRow(
    getDb()
      .select({ id: imageRepositories.id })
      .from(imageRepositories)
      .where(and(eq(imageRepositories.name, name), repositoryId ? ne(imageRepositories.id, repositoryId) : undefined)),
  );
  if (taken) throw new ConflictError('That name is taken.', { name: [`A repository named "${name}" already exists.`] });
}

export const createRepository = defineOperation({
  name: 'repository.create',
  targetType: 'repository',
  input: createRepositorySchema,
  authorize: (input, user, note) => {
    note({ details: { name: input.name, url: input.url } });
    authorize(user, 'repository.manage', {});
  },
  run: async (input) =>
    await getDb().transaction(async (tx) => {
      const n = (await firstRow(tx.select({ n: count() }).from(imageRepositories)))?.n ?? 0;
      if (n >= MAX_REPOSITORIES) {
        throw new ValidationError(
          `The portal keeps at most ${MAX_REPOSITORIES} repositories; remove one before adding another.`,
        );
      }
      await assertNameFree(input.name);
      const id = newId();
      await tx.insert(imageRepositories).values({ id, name: input.name, url: input.url, createdAt: now() });
      return { id };
    }),
  audited: (result) => ({ targetId: result.id }),
});

/** A new URL is another repository: what was cached from the old one is dropped. */
export const updateRepository = defineOperation({
  name: 'repository.update',
  targetType: 'repository',
  input: updateRepositorySchema,
  authorize: (input, user, note) => {
    note({ targetId: input.repositoryId, details: { name: input.name, url: input.url } });
    authorize(user, 'repository.manage', {});
  },
  run: async (input) => {
    const current = await requireRepository(input.repositoryId);
    await assertNameFree(input.name, input.repositoryId);
    const moved = current.url !== input.url;
    await getDb()
      .update(imageRepositories)
      .set({
        name: input.name,
        url: input.url,
        ...(moved ? { cachedManifests: null, imageCount: null, lastRefreshedAt: null, lastError: null } : {}),
      })
      .where(eq(imageRepositories.id, input.repositoryId));
    return { id: input.repositoryId, cacheCleared: moved };
  },
});

/** Removing a repository removes only its cached listing; images imported from it stay. */
export const deleteRepository = defineOperation({
  name: 'repository.delete',
  targetType: 'repository',
  input: repositoryIdSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.repositoryId });
    authorize(user, 'repository.manage', {});
  },
  run: async (input) => {
    const { name } = await requireRepository(input.repositoryId);
    await getDb().delete(imageRepositories).where(eq(imageRepositories.id, input.repositoryId));
    return { name };
  },
  audited: (result) => ({ details: { name: result.name } }),
});

/**
 * Reads the remote listing and caches it. A failure keeps the last good listing and records the
 * error on the row, where the repositories page shows it.
 */
export const refreshRepository = defineOperation({
  name: 'repository.refresh',
  targetType: 'repository',
  input: repositoryIdSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.repositoryId });
    authorize(user, 'repository.browse', repositoryBrowseSubject(user));
  },
  run: async (input) => {
    const repository = await requireRepository(input.repositoryId);
    let listing;
    try {
      listing = await listRemoteImages(repository.url);
    } catch (err) {
      await recordRepositoryError(repository.id, `Refresh failed: ${errorMessage(err)}`);
      throw err instanceof UnavailableError ? err : new UnavailableError(`Refresh failed: ${errorMessage(err)}`);
    }
    const { manifests, skipped } = listing;
    await getDb()
      .update(imageRepositories)
      .set({
        cachedManifests: manifests,
        imageCount: manifests.length,
        lastRefreshedAt: now(),
        lastError: skipped > 0 ? `${skipped} listed image(s) had no usable manifest and are not shown.` : null,
      })
      .where(eq(imageRepositories.id, repository.id));
    return { repositoryId: repository.id, imageCount: manifests.length, skipped };
  },
  audited: (result) => ({ details: { imageCount: result.imageCount, skipped: result.skipped } }),
});

// Importing from a repository is one more operation of this domain, kept with the import's other parts.
export { importImage } from './import/operation';
