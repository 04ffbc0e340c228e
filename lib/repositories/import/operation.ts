import 'server-only';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { requireDataCenter } from '@/lib/locations/queries';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { cachedManifestsOf, requireRepository } from '@/lib/repositories/queries';
import { importImageSchema } from '@/lib/repositories/schemas';
import { assertSupportedCompression } from './decompress';
import { assertImportable, planImport } from './image';
import { enqueueImport } from './enqueue';
import type { ImportJobParams } from './params';

/**
 * Queues the import of one image from a repository. An ImageImportAdmin's import is bound
 * to a data center of theirs; only SuperAdmins import global images. Everything that can be checked
 * before the download is: the image must be in the refreshed listing, and neither its uuid nor its
 * name may exist here. The job checks the fresh manifest again (lib/imgapi/import-job.ts).
 */
export const importImage = defineOperation({
  name: 'image.import',
  targetType: 'image',
  input: importImageSchema,
  authorize: (input, user, note) => {
    note({
      targetId: input.uuid,
      dataCenterId: input.dataCenterId ?? null,
      details: { repositoryId: input.repositoryId },
    });
    if (input.dataCenterId) authorize(user, 'image.import', { dataCenterId: input.dataCenterId });
    else if (!user.isSuperAdmin) {
      throw new ValidationError('Choose the data center to import into; only SuperAdmins import global images.', {
        dataCenterId: ['Choose one of your data centers.'],
      });
    }
  },
  run: async (input, user) => {
    const repository = await requireRepository(input.repositoryId);
    const manifest = cachedManifestsOf(repository).find((m) => m.uuid === input.uuid);
    if (!manifest)
      throw new NotFoundError(
        `Image ${input.uuid} in the last listing of ${repository.name}`,
        'Refresh the repository to see its images as they are now.',
      );
    assertSupportedCompression(manifest.files[0].compression);
    const db = getDb();
    if (input.dataCenterId) await requireDataCenter(input.dataCenterId);
    const plan = planImport(manifest, { name: input.name, dcBoundId: input.dataCenterId ?? null });
    const jobId = await db.transaction(async (tx) => {
      await assertImportable(plan);
      const params: ImportJobParams = {
        repositoryId: repository.id,
        repositoryUrl: repository.url,
        uuid: input.uuid,
        name: input.name,
        imageName: plan.attributes.name,
      };
      return await enqueueImport(tx, params, input.dataCenterId ?? null, user.id);
    });
    wakeJobRunners();
    return { jobId, name: plan.attributes.name };
  },
  audited: (result) => ({ details: { jobId: result.jobId, name: result.name } }),
});
