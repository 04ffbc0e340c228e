import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/policy';
import { loadConnection, requireCloudAccount, type CloudAccountRow } from '@/lib/clouds/accounts';
import { getDb } from '@/lib/db/client';
import { ConflictError, errorMessage } from '@/lib/errors';
import { requireImage, type ImageRow } from '@/lib/images/queries';
import type { JobContext } from '@/lib/jobs/context';
import { defineJobKind } from '@/lib/jobs/kind';
import { enqueuePublish, publishJobParams, type PublishJobParams } from './enqueue';
import { publishOne } from './publish-one';
import { getPublication, markPublishEnded, requirePublication, startPublication } from './records';
import { targetFor } from './targets';
import type { CloudTarget } from './target';

/**
 * Publishes one image to one cloud account. Whoever may publish the image to the account may cancel
 * it: the cancel removes what the upload started remotely.
 */
export const publishJob = defineJobKind({
  kind: 'publish',
  params: publishJobParams,
  run: runPublishJob,
  cancellable: true,
  pausable: false,
  authorizeControl: async (job, user, note) => {
    const params = publishJobParams.parse(job.params);
    note({ targetId: params.imageId, dataCenterId: job.dataCenterId ?? undefined });
    const image = await requireImage(params.imageId);
    authorize(user, 'image.publish', {
      image,
      accountDataCenterId: (await requireCloudAccount(params.accountId)).dataCenterId,
    });
  },
  onCancelledBeforeStart: async (tx, job) => {
    const params = publishJobParams.parse(job.params);
    const publication = await getPublication(tx, params.imageId, params.accountId);
    if (publication?.jobId === job.id)
      await markPublishEnded(publication.id, 'cancelled', null, params.previousCopy?.state ?? null, tx);
  },
  retry: async (tx, job, userId) => {
    const params = publishJobParams.parse(job.params);
    return await enqueuePublish(
      tx,
      await requireImage(params.imageId, tx),
      await requireCloudAccount(params.accountId),
      userId,
    );
  },
});

async function runPublishJob(ctx: JobContext, params: PublishJobParams): Promise<Record<string, unknown>> {
  const image = await requireImage(params.imageId);
  const account = await requireCloudAccount(params.accountId);
  const publication = await getPublication(getDb(), image.id, account.id);
  if (!publication || publication.jobId !== ctx.job.id)
    throw new ConflictError(`This publish of ${image.name} to ${account.name} was replaced by another job.`);
  const target = targetFor(loadConnection(account));
  try {
    const linked = await publishLinkedImages(ctx, target, image, account);
    const copy = await publishOne(ctx, { target, image, publication, linked });
    await removePreviousCopy(ctx, target, params, copy.remoteId);
    await audit(ctx, image, account, 'ok', { remoteId: copy.remoteId, remoteUrl: copy.remoteUrl });
    return { remoteId: copy.remoteId, remoteUrl: copy.remoteUrl, account: account.name };
  } catch (err) {
    const outcome = ctx.outcomeOf(err);
    if (outcome === 'cancel' || outcome === 'fail') {
      await markPublishEnded(
        publication.id,
        outcome === 'cancel' ? 'cancelled' : 'failed',
        outcome === 'fail' ? errorMessage(err) : null,
        params.previousCopy?.state ?? null,
      );
      await audit(ctx, image, account, 'error', { error: errorMessage(err) });
    }
    throw err;
  }
}

/**
 * A partition image boots with its kernel and ramdisk, which Glance must hold first: one already
 * published to this account is reused, the others are published now, each as its own publication.
 */
async function publishLinkedImages(ctx: JobContext, target: CloudTarget, image: ImageRow, account: CloudAccountRow) {
  if (target.kind !== 'openstack' || (!image.kernelImageId && !image.ramdiskImageId)) return undefined;
  const remoteIdOf = async (linkedId: string | null) => {
    if (!linkedId) return undefined;
    const linkedImage = await requireImage(linkedId);
    const existing = await getPublication(getDb(), linkedId, account.id);
    if (existing?.status === 'published' && existing.remoteId) {
      ctx.log('info', `Reusing ${linkedImage.name}, already published as ${existing.remoteId}.`);
      return existing.remoteId;
    }
    if (existing?.status === 'publishing' && existing.jobId !== ctx.job.id)
      throw new ConflictError(
        `${linkedImage.name} is being published to ${account.name} by job ${existing.jobId}; retry once it is done.`,
      );
    const publicationId = await getDb().transaction(
      async (tx) => await startPublication(tx, linkedId, account.id, ctx.job.id),
    );
    const copy = await publishOne(ctx, {
      target,
      image: linkedImage,
      publication: await requirePublication(publicationId),
    });
    return copy.remoteId;
  };
  return { kernelId: await remoteIdOf(image.kernelImageId), ramdiskId: await remoteIdOf(image.ramdiskImageId) };
}

/** Republished as another object (a new Glance image): the old copy goes, once the new one is verified. */
async function removePreviousCopy(ctx: JobContext, target: CloudTarget, params: PublishJobParams, newRemoteId: string) {
  const previous = params.previousCopy;
  if (!previous || previous.remoteId === newRemoteId) return;
  try {
    await target.remove(previous, AbortSignal.timeout(60_000));
    ctx.log('info', `Removed the copy published before, ${previous.remoteId}.`);
  } catch (err) {
    ctx.log('warn', `The copy published before, ${previous.remoteUrl}, is still there: ${errorMessage(err)}`);
  }
}

async function audit(
  ctx: JobContext,
  image: ImageRow,
  account: CloudAccountRow,
  outcome: 'ok' | 'error',
  details: Record<string, unknown>,
) {
  await recordAudit({
    userId: ctx.job.createdBy,
    action: 'image.publish.finish',
    targetType: 'image',
    targetId: image.id,
    dataCenterId: ctx.job.dataCenterId,
    outcome,
    details: { ...details, name: image.name, accountId: account.id, account: account.name, jobId: ctx.job.id },
  });
}
