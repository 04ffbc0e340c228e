import 'server-only';
import { defineOperation } from '@/lib/actions/operation';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { requireCloudAccount, loadConnection, type CloudAccountRow } from '@/lib/clouds/accounts';
import { publishImageSchema, publishImagesSchema, publicationIdSchema } from '@/lib/clouds/schemas';
import { getDb } from '@/lib/db/client';
import { ConflictError, InUseError, NotFoundError, UnavailableError, errorMessage } from '@/lib/errors';
import { requireImage, type ImageRow } from '@/lib/images/queries';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { enqueuePublish, publishRefusal } from './enqueue';
import { markRemoved, requirePublication } from './records';
import { CloudError } from './target';
import { targetFor } from './targets';

/** Publishing images to cloud accounts, and taking them down again. */

function authorizePublish(user: UserContext, image: ImageRow, account: CloudAccountRow) {
  authorize(user, 'image.publish', { image, accountDataCenterId: account.dataCenterId });
}

export const publishImage = defineOperation({
  name: 'image.publish',
  targetType: 'image',
  input: publishImageSchema,
  authorize: async (input, user, note) => {
    const image = await requireImage(input.imageId);
    const account = await requireCloudAccount(input.accountId);
    note({
      targetId: image.id,
      dataCenterId: image.dcBoundId ?? undefined,
      details: { name: image.name, account: account.name },
    });
    authorizePublish(user, image, account);
  },
  run: async (input, user) => {
    const jobId = await getDb().transaction(
      async (tx) =>
        await enqueuePublish(
          tx,
          await requireImage(input.imageId, tx),
          await requireCloudAccount(input.accountId),
          user.id,
        ),
    );
    wakeJobRunners();
    return { jobId, imageId: input.imageId };
  },
  audited: (result) => ({ details: { jobId: result.jobId } }),
});

/**
 * Several images to one account: each is checked as a single publish would be, and all are queued
 * together or none is, so a refusal names every image that cannot go.
 */
export const publishImages = defineOperation({
  name: 'image.publish-many',
  targetType: 'cloud-account',
  input: publishImagesSchema,
  authorize: async (input, user, note) => {
    const account = await requireCloudAccount(input.accountId);
    note({ targetId: account.id, details: { account: account.name, imageIds: input.imageIds } });
    for (const imageId of input.imageIds) authorizePublish(user, await requireImage(imageId), account);
  },
  run: async (input, user) => {
    const account = await requireCloudAccount(input.accountId);
    const jobIds = await getDb().transaction(async (tx) => {
      const images = [];
      for (const id of new Set(input.imageIds)) images.push(await requireImage(id, tx));
      const refusals = images.flatMap((image) => {
        const reason = publishRefusal(image, account);
        return reason ? [reason] : [];
      });
      if (refusals.length > 0) throw new ConflictError(`Nothing was queued. ${refusals.join(' ')}`);
      const queued: string[] = [];
      for (const image of images) queued.push(await enqueuePublish(tx, image, account, user.id));
      return queued;
    });
    wakeJobRunners();
    return { jobIds };
  },
  audited: (result) => ({ details: { jobIds: result.jobIds } }),
});

/** Deletes the copy from the cloud; refused while a publish runs, and where the cloud protects it. */
export const removePublication = defineOperation({
  name: 'image.unpublish',
  targetType: 'image',
  input: publicationIdSchema,
  authorize: async (input, user, note) => {
    const publication = await requirePublication(input.publicationId);
    if (input.imageId && input.imageId !== publication.imageId) throw new NotFoundError('The publication');
    const image = await requireImage(publication.imageId);
    const account = await requireCloudAccount(publication.accountId);
    note({
      targetId: image.id,
      dataCenterId: image.dcBoundId ?? undefined,
      details: { name: image.name, account: account.name, remoteId: publication.remoteId },
    });
    authorizePublish(user, image, account);
  },
  run: async (input) => {
    const publication = await requirePublication(input.publicationId);
    if (publication.status === 'publishing')
      throw new InUseError('A publish of this image to that account is running; cancel it or wait for it first.');
    const account = await requireCloudAccount(publication.accountId);
    if (publication.remoteId) {
      const copy = {
        remoteId: publication.remoteId,
        remoteUrl: publication.remoteUrl ?? '',
        state: publication.remoteState ?? {},
      };
      try {
        await targetFor(loadConnection(account)).remove(copy, AbortSignal.timeout(60_000));
      } catch (err) {
        if (err instanceof CloudError && err.reason === 'refused') throw new InUseError(err.message);
        throw new UnavailableError(`${account.name} did not remove ${publication.remoteId}: ${errorMessage(err)}`);
      }
    }
    await markRemoved(publication.id);
    return { id: publication.id, imageId: publication.imageId };
  },
});
