import 'server-only';
import { enqueueImport } from './enqueue';
import { importJobParams, type ImportJobParams } from './params';
import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { getDb } from '@/lib/db/client';
import { jobs } from '@/lib/db/tables';
import { errorMessage } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import { authorize } from '@/lib/auth/policy';
import type { JobContext } from '@/lib/jobs/context';
import { defineJobKind } from '@/lib/jobs/kind';
import { recordRepositoryError } from '@/lib/repositories/record-error';
import { imageStore, type ReceivedImage } from '@/lib/store/image-store';
import { assertSupportedCompression } from './decompress';
import { receiveImportedFile } from './file';
import { recordStoredFileHashed } from '@/lib/store/trusted-hashes';
import { assertImportable, planImport, recordImportedImage } from './image';
import { fetchRemoteManifest } from '@/lib/imgapi/client/remote';

/**
 * Imports one image from an IMGAPI repository into the portal's store. Whoever may import into its
 * data center may cancel it, which leaves nothing behind; a global import is the SuperAdmins'.
 */
export const importJob = defineJobKind({
  kind: 'import',
  params: importJobParams,
  run: runImportJob,
  cancellable: true,
  pausable: false,
  authorizeControl: (job, user, note) => {
    note({ targetId: job.id, dataCenterId: job.dataCenterId ?? undefined });
    if (job.dataCenterId) authorize(user, 'image.import', { dataCenterId: job.dataCenterId });
    else authorize(user, 'infrastructure.manage', {});
  },
  retry: async (tx, job, userId) =>
    await enqueueImport(tx, importJobParams.parse(job.params), job.dataCenterId, userId),
});

/**
 * The import job: read the manifest afresh, stream the file into the store verifying it, then create
 * the image. Any failure leaves neither a file nor an image behind, and shows on the repository's
 * row as well as in the job.
 */
async function runImportJob(ctx: JobContext, params: ImportJobParams): Promise<Record<string, unknown>> {
  // Set while a file is in the store that no image owns yet; a failure then removes it.
  let unowned: ReceivedImage | undefined;
  let imageName = params.imageName ?? params.uuid;
  try {
    ctx.phase('manifest', `reading the manifest of ${params.uuid}`);
    const manifest = await fetchRemoteManifest(params.repositoryUrl, params.uuid, ctx.signal);
    const plan = planImport(manifest, { name: params.name, dcBoundId: ctx.job.dataCenterId });
    imageName = plan.attributes.name;
    await assertImportable(plan);
    const file = manifest.files[0];
    assertSupportedCompression(file.compression);
    ctx.throwIfStopped();

    const compressed = file.compression === 'none' ? '' : `, ${file.compression}-compressed`;
    ctx.phase('download', `${imageName} ${plan.attributes.version}: ${formatBytes(file.size)}${compressed}`);
    ctx.progress(0, file.size);
    const received = await receiveImportedFile({
      baseUrl: params.repositoryUrl,
      uuid: params.uuid,
      file,
      diskFormat: plan.attributes.diskFormat,
      declaredDiskMiB: manifest.type === 'zvol' ? manifest.image_size : undefined,
      signal: ctx.signal,
      onProgress: (bytes) => ctx.progress(bytes),
    });
    unowned = received;
    ctx.transferred(file.size);
    ctx.log(
      'info',
      `SHA-1 and size match the manifest. Stored ${formatBytes(received.sizeBytes)}, SHA-256 ${received.sha256}.`,
    );

    ctx.phase('record');
    await recordImportedImage(plan, received, ctx.job.createdBy);
    unowned = undefined;
    await recordStoredFileHashed({ id: plan.uuid, storeFile: received.storeFile, sha256: received.sha256 });
    await getDb().update(jobs).set({ imageId: plan.uuid, imageName }).where(eq(jobs.id, ctx.job.id));
    await audit(ctx, params, 'ok', { name: imageName, sizeBytes: received.sizeBytes, sha256: received.sha256 });
    return {
      imageId: plan.uuid,
      name: imageName,
      sizeBytes: received.sizeBytes,
      sha256: received.sha256,
      md5: received.md5,
    };
  } catch (err) {
    if (unowned) await imageStore().remove(unowned.storeFile);
    // Another process runs the import again: it is not a failure of this repository.
    if (ctx.passedOn) throw err;
    const message = errorMessage(err);
    if (!ctx.stopRequest) await recordRepositoryError(params.repositoryId, `Import of ${imageName} failed: ${message}`);
    await audit(ctx, params, 'error', { name: imageName, error: message });
    throw err;
  }
}

async function audit(
  ctx: JobContext,
  params: ImportJobParams,
  outcome: 'ok' | 'error',
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit({
    userId: ctx.job.createdBy,
    action: 'image.import.finish',
    targetType: 'image',
    targetId: params.uuid,
    dataCenterId: ctx.job.dataCenterId,
    outcome,
    details: { ...details, jobId: ctx.job.id, repositoryId: params.repositoryId },
  });
}
