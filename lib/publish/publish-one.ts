import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { TransientError, UnavailableError, errorMessage } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { ImageRow } from '@/lib/images/queries';
import type { JobContext } from '@/lib/jobs/context';
import { preparePublishFile } from './prepare';
import { markPublished, requirePublication, saveRemoteState, type PublicationRow } from './records';
import { sha512InChild } from './digests';
import {
  CloudError,
  type CloudTarget,
  type PublishFile,
  type PublishedCopy,
  type PublishedImageAttributes,
} from './target';

/** Remote clean-up gets its own time: the job's signal may be the very reason it runs. */
const CLEANUP_TIMEOUT_MS = 60_000;

export type PublishStep = {
  target: CloudTarget;
  image: ImageRow;
  publication: PublicationRow;
  /** Glance ids of the kernel and ramdisk a partition image boots with. */
  linked?: { kernelId?: string; ramdiskId?: string };
};

/**
 * One image to one cloud: prepare (convert if the cloud needs it, hash), upload, verify against our
 * checksums, record. A failure that ends the job discards what the upload started remotely; one
 * that will be retried keeps it, so the next attempt resumes from it.
 */
export async function publishOne(ctx: JobContext, step: PublishStep): Promise<PublishedCopy> {
  const { target, image, publication } = step;
  ctx.phase('prepare', `${image.name} ${image.version} for ${target.kind}`);
  const prepared = await preparePublishFile(ctx, image, target, publication.id);
  const { file } = prepared;
  try {
    ctx.throwIfStopped();
    ctx.phase('upload', `${image.name}: ${formatBytes(file.sizeBytes)} as ${file.diskFormat}`);
    ctx.progress(0, file.sizeBytes);
    const sha512 = needsSha512(target, file) ? sha512InChild(file.path, ctx.signal) : undefined;
    // Awaited below; settled early only by an abort, which the upload reports itself.
    sha512?.catch(() => {});
    const copy = await target.upload(attributesOf(image), file, {
      signal: ctx.signal,
      onProgress: (bytes) => ctx.progress(bytes, file.sizeBytes),
      saveState: async (state) => await saveRemoteState(publication.id, state),
      previous: (await requirePublication(publication.id)).remoteState ?? undefined,
      linked: step.linked,
    });
    ctx.progress(file.sizeBytes, file.sizeBytes);
    ctx.transferred(file.sizeBytes);

    if (sha512) file.sha512 = await sha512;
    ctx.phase('verify', `comparing ${target.digests.join(' and ')} with the cloud's`);
    const verified = await target.verify(copy, file, ctx.signal);
    ctx.log(
      'info',
      `Verified: ${Object.entries(verified.compared)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );

    ctx.phase('record', copy.remoteUrl);
    // The cloud computed the same SHA-512 from what it received: the stored file's, kept for next time.
    if (sha512 && prepared.asIs) await recordImageSha512(image.id, file.sha512!);
    await markPublished(publication.id, copy, {
      formatSent: file.diskFormat,
      compared: verified.compared,
      publishedBy: ctx.job.createdBy,
    });
    return copy;
  } catch (err) {
    const failure = asJobError(err);
    const outcome = ctx.outcomeOf(failure);
    if (outcome === 'cancel' || outcome === 'fail') await discardStarted(ctx, target, publication.id);
    throw failure;
  } finally {
    await prepared.cleanup();
  }
}

async function recordImageSha512(imageId: string, sha512: string): Promise<void> {
  await getDb().update(images).set({ sha512 }).where(eq(images.id, imageId));
}

const needsSha512 = (target: CloudTarget, file: PublishFile) => target.digests.includes('sha512') && !file.sha512;

/** A cloud's transient failure is retried by the runner; any other is said in its own words. */
export function asJobError(err: unknown): unknown {
  if (!(err instanceof CloudError)) return err;
  return err.transient ? new TransientError(err.message) : new UnavailableError(err.message);
}

async function discardStarted(ctx: JobContext, target: CloudTarget, publicationId: string): Promise<void> {
  const state = (await requirePublication(publicationId)).remoteState;
  if (!state) return;
  try {
    await target.discard(state, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    await saveRemoteState(publicationId, null);
    ctx.log('info', 'Removed what the upload had started in the cloud.');
  } catch (err) {
    ctx.log('error', `Could not remove what the upload had started in the cloud: ${errorMessage(err)}`);
  }
}

function attributesOf(image: ImageRow): PublishedImageAttributes {
  return {
    id: image.id,
    name: image.name,
    version: image.version,
    description: image.description,
    osType: image.osType,
    diskFormat: image.diskFormat,
    containerFormat: image.containerFormat,
    minDiskGb: image.minDiskGb,
    minRamMb: image.minRamMb,
    bootType: image.bootType,
    tags: image.tags,
  };
}
