import 'server-only';
import { z } from 'zod';
import type { CloudAccountRow } from '@/lib/clouds/accounts';
import type { Tx } from '@/lib/db/client';
import { ConflictError, ValidationError } from '@/lib/errors';
import type { ImageRow } from '@/lib/images/queries';
import { insertJob } from '@/lib/jobs/rows';
import { unpublishableReason } from './prepare';
import { getPublication, startPublication } from './records';

/** A copy published before this job: removed once the new one is verified, if it is another object. */
const previousCopy = z.object({
  remoteId: z.string(),
  remoteUrl: z.string(),
  state: z.record(z.string(), z.unknown()),
});

export const publishJobParams = z.object({
  imageId: z.uuid(),
  accountId: z.uuid(),
  previousCopy: previousCopy.nullable(),
});
export type PublishJobParams = z.infer<typeof publishJobParams>;

/** Why this image may not go to this account, whoever asks; null when it may. */
export function publishRefusal(image: ImageRow, account: CloudAccountRow): string | null {
  if (image.access === 'deleted') return `${image.name} is deleted; restore it before publishing it.`;
  if (account.dataCenterId && account.dataCenterId !== image.dcBoundId)
    return `The account ${account.name} is bound to a data center; it publishes only images bound to that data center.`;
  return unpublishableReason(image);
}

/**
 * Queues a publish of the image to the account inside the caller's transaction: one at a time per
 * image and account. A copy already published stays listed until the new one replaces it.
 */
export async function enqueuePublish(
  tx: Tx,
  image: ImageRow,
  account: CloudAccountRow,
  userId: string,
): Promise<string> {
  const refusal = publishRefusal(image, account);
  if (refusal) throw new ValidationError(refusal);
  const existing = await getPublication(tx, image.id, account.id);
  if (existing?.status === 'publishing')
    throw new ConflictError(`${image.name} is already being published to ${account.name} (job ${existing.jobId}).`);
  const previous =
    existing?.status === 'published' && existing.remoteId
      ? { remoteId: existing.remoteId, remoteUrl: existing.remoteUrl ?? '', state: existing.remoteState ?? {} }
      : null;
  const params: PublishJobParams = { imageId: image.id, accountId: account.id, previousCopy: previous };
  const jobId = await insertJob(tx, {
    kind: 'publish',
    createdBy: userId,
    imageId: image.id,
    dataCenterId: image.dcBoundId ?? account.dataCenterId ?? undefined,
    params,
  });
  await startPublication(tx, image.id, account.id, jobId);
  return jobId;
}
