import 'server-only';
import { requireImage } from './queries';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { HOLDING_JOB_STATUSES } from '@/lib/db/enums';
import { getDb, firstRow } from '@/lib/db/client';
import { images, jobs } from '@/lib/db/tables';
import { ConflictError, InUseError, NotFoundError, ValidationError } from '@/lib/errors';
import { requestJobCancel } from '@/lib/jobs/operations';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { machinesUsingImage } from '@/lib/machines/queries';
import { id } from '@/lib/validation';
import { imagesReferencing } from './format-rules';
import { enqueuePurgeUninstalls, finishRemoval, removeImageRecord } from './purge-completion';

type Image = typeof images.$inferSelect;

const purgeSchema = z.object({
  imageId: id,
  /** The user types the image's name, so a permanent delete is never one stray click. */
  confirmName: z.string().trim().min(1, 'Type the image’s name to confirm.'),
});

/** Refuses while anything still needs the image: the protected flag, a machine, a partition image. */
async function assertPurgeable(image: Image): Promise<void> {
  if (image.protected)
    throw new ConflictError(`${image.name} is protected: clear the protected flag before you delete it.`);
  const machines = await machinesUsingImage(image.id);
  if (machines.length > 0) {
    const list = machines.map((m) => `${m.name} (on ${m.nodeName})`).join(', ');
    throw new InUseError(`${image.name} cannot be deleted permanently while machines use it: ${list}.`);
  }
  const referrers = await imagesReferencing(image.id, { includeDeleted: true });
  if (referrers.length > 0) {
    const list = referrers.map((r) => r.name).join(', ');
    throw new InUseError(
      `${image.name} cannot be deleted permanently: ${list} boot${referrers.length > 1 ? '' : 's'} with it.`,
    );
  }
}

/**
 * Deletes an image for good. It is hidden at once (access `deleted`), its installs under
 * way are cancelled, and uninstall jobs remove its files from every node; when the last of them ends
 * the row goes (lib/images/purge-completion.ts). With nothing on any node, it goes at once.
 * Asking again for an image already waiting queues the uninstalls that are missing, e.g. after one
 * failed on a node that was down.
 */
export const purgeImage = defineOperation({
  name: 'image.purge',
  targetType: 'image',
  input: purgeSchema,
  authorize: async (input, user, note) => {
    const image = await requireImage(input.imageId);
    note({ targetId: image.id, dataCenterId: image.dcBoundId ?? undefined, details: { name: image.name } });
    authorize(user, 'image.manage', { image });
  },
  run: async (input, user) => {
    const outcome = await getDb().transaction(
      async (tx) => {
        const image = await firstRow(tx.select().from(images).where(eq(images.id, input.imageId)));
        if (!image) throw new NotFoundError('The image');
        if (input.confirmName !== image.name) {
          throw new ValidationError('The name does not match.', {
            confirmName: [`Type ${image.name} exactly to confirm.`],
          });
        }
        await assertPurgeable(image);
        await tx
          .update(images)
          .set({ access: 'deleted', purgeRequestedAt: image.purgeRequestedAt ?? now(), updatedAt: now() })
          .where(eq(images.id, image.id));
        const installs = await tx
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.imageId, image.id), eq(jobs.kind, 'install'), inArray(jobs.status, HOLDING_JOB_STATUSES)));
        for (const job of installs)
          await requestJobCancel(tx, job.id, 'Cancel requested: the image is being deleted permanently.');
        const uninstallJobIds = await enqueuePurgeUninstalls(tx, image, user.id);
        const working = await firstRow(
          tx
            .select({ id: jobs.id })
            .from(jobs)
            .where(and(eq(jobs.imageId, image.id), inArray(jobs.status, HOLDING_JOB_STATUSES))),
        );
        if (working) return { image, removed: false, uninstallJobIds, cancelledInstalls: installs.length };
        await removeImageRecord(tx, image);
        return { image, removed: true, uninstallJobIds, cancelledInstalls: 0 };
      },
      { behavior: 'immediate' },
    );
    if (outcome.removed) await finishRemoval(outcome.image, user.id);
    else wakeJobRunners();
    const { image, ...rest } = outcome;
    return { imageId: image.id, name: image.name, ...rest };
  },
  audited: (result) => ({
    details: { name: result.name, removed: result.removed, uninstallJobs: result.uninstallJobIds.length },
  }),
});
