import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { HOLDING_JOB_STATUSES } from '@/lib/db/enums';
import { getDb, type Tx, firstRow } from '@/lib/db/client';
import { images, jobs, nodeImages, nodes } from '@/lib/db/tables';
import { enqueueUninstall } from '@/lib/install/uninstall';
import { getActiveJob } from '@/lib/jobs/rows';
import { imageStore } from '@/lib/store/image-store';

type Image = typeof images.$inferSelect;

/**
 * The second half of a permanent delete (lib/images/purge.ts): once no node holds the image's file
 * and no job works on it, the row goes, and with it the file in the portal's store.
 */

/** Deletes the image row (its availability and attachment rows cascade; jobs keep their history). */
export async function removeImageRecord(tx: Tx, image: Image): Promise<void> {
  await tx.delete(images).where(eq(images.id, image.id));
}

/** After the commit that removed the row: the store's copy is no longer anyone's. */
export async function removeStoreCopy(image: Pick<Image, 'storeFile'>): Promise<void> {
  if (!image.storeFile) return;
  try {
    await imageStore().remove(image.storeFile);
  } catch (err) {
    console.error(`[portal] could not remove ${image.storeFile} from the image store:`, err);
  }
}

/**
 * Queues an uninstall on every node that holds (part of) the image and has no job on it; the nodes
 * with a job already are handled when it ends. Returns the new jobs' ids.
 */
export async function enqueuePurgeUninstalls(tx: Tx, image: Image, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ nodeId: nodeImages.nodeId, dataCenterId: nodes.dataCenterId })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .where(eq(nodeImages.imageId, image.id));
  const queued: string[] = [];
  for (const row of rows) {
    if (await getActiveJob(tx, row.nodeId, image.id)) continue;
    queued.push(
      await enqueueUninstall(tx, { imageId: image.id, nodeId: row.nodeId, dataCenterId: row.dataCenterId }, userId),
    );
  }
  return queued;
}

/**
 * Called by the job runner whenever a job of an image ends. For an image waiting to be purged: an
 * install that finished despite the cancel gets its uninstall; when nothing is left, the row goes.
 * A failed uninstall is not queued again here (a node that is down would loop); the user retries
 * the permanent delete, which queues what is missing.
 */
export async function continuePurge(job: {
  imageId: string | null;
  kind: string;
  createdBy: string | null;
}): Promise<string[]> {
  if (!job.imageId) return [];
  const imageId = job.imageId;
  const done: { removed?: Image } = {};
  const queued = await getDb().transaction(
    async (tx) => {
      const image = await firstRow(tx.select().from(images).where(eq(images.id, imageId)));
      if (!image?.purgeRequestedAt) return [];
      const stillWorking = await firstRow(
        tx
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.imageId, imageId), inArray(jobs.status, HOLDING_JOB_STATUSES))),
      );
      if (stillWorking) return [];
      const left = await tx
        .select({ nodeId: nodeImages.nodeId })
        .from(nodeImages)
        .where(eq(nodeImages.imageId, imageId));
      if (left.length > 0)
        return job.kind === 'install' && job.createdBy ? await enqueuePurgeUninstalls(tx, image, job.createdBy) : [];
      await removeImageRecord(tx, image);
      done.removed = image;
      return [];
    },
    { behavior: 'immediate' },
  );
  if (done.removed) await finishRemoval(done.removed, job.createdBy);
  return queued;
}

/** The store copy and the audit event of a purge that has just been committed. */
export async function finishRemoval(image: Image, userId: string | null): Promise<void> {
  await removeStoreCopy(image);
  await recordAudit({
    userId,
    action: 'image.purged',
    targetType: 'image',
    targetId: image.id,
    dataCenterId: image.dcBoundId,
    outcome: 'ok',
    details: { name: image.name, version: image.version },
  });
}
