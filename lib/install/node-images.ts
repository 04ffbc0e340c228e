import 'server-only';
import { and, eq } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getDb, type Tx, firstRow } from '@/lib/db/client';
import { imageDataCenters, images, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import type { FailureOutcome } from '@/lib/jobs/context';
import { pathInImageDir } from '@/lib/nodes/paths';

type NodeImageFields = Partial<Omit<typeof nodeImages.$inferInsert, 'nodeId' | 'imageId' | 'updatedAt'>> & {
  state: (typeof nodeImages.$inferInsert)['state'];
};
type Executor = Pick<ReturnType<typeof getDb>, 'insert'>;

/** Creates or updates the (node, image) availability row. */
export async function setNodeImageState(
  nodeId: string,
  imageId: string,
  fields: NodeImageFields,
  db: Executor = getDb(),
): Promise<void> {
  const values = { ...fields, updatedAt: now() };
  await db
    .insert(nodeImages)
    .values({ nodeId, imageId, ...values })
    .onConflictDoUpdate({ target: [nodeImages.nodeId, nodeImages.imageId], set: values });
}

/**
 * What the (node, image) row becomes when an install or uninstall ends without success, so the
 * row always says what is on the node:
 * - a retry or pause continues later, and an abandoned attempt's job continues elsewhere: the row stays as it is;
 * - a cancelled install leaves nothing: the row goes (only if it is still this job's);
 * - a failed install is `failed`;
 * - an uninstall that was cancelled or failed leaves the file: `installed`, not offered.
 */
export async function settleNodeImage(
  job: { id: string; kind: string; nodeId: string | null; imageId: string | null },
  outcome: FailureOutcome,
  db: Pick<ReturnType<typeof getDb>, 'insert' | 'delete'> = getDb(),
): Promise<void> {
  if (outcome === 'retry' || outcome === 'pause' || outcome === 'abandon' || !job.nodeId || !job.imageId) return;
  if (job.kind === 'install' && outcome === 'cancel') {
    await db
      .delete(nodeImages)
      .where(
        and(eq(nodeImages.nodeId, job.nodeId), eq(nodeImages.imageId, job.imageId), eq(nodeImages.lastJobId, job.id)),
      );
    return;
  }
  const state = job.kind === 'install' ? 'failed' : 'installed';
  await setNodeImageState(job.nodeId, job.imageId, { state, available: false, lastJobId: job.id }, db);
}

/** The (node, image) availability row, if any. */
export async function currentNodeImage(db: Pick<Tx, 'select'>, nodeId: string, imageId: string) {
  return await firstRow(
    db
      .select()
      .from(nodeImages)
      .where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId))),
  );
}

/** The name of a new file on a node: from the image's id, which never changes, never from its name. */
export function nodeFileName(image: { id: string; diskFormat: string }): string {
  return `${image.id}.${image.diskFormat}`;
}

/**
 * Where the image's file is, or goes, on the node: the path recorded on its node-image row when
 * there is one (files installed by earlier versions were named after the image), otherwise a new
 * one in the node's image directory. Every step after the first uses the recorded path.
 */
export async function nodeImagePath(
  db: Pick<Tx, 'select'>,
  node: { id: string; imageDir: string },
  image: { id: string; diskFormat: string },
): Promise<string> {
  return (await currentNodeImage(db, node.id, image.id))?.path ?? pathInImageDir(node.imageDir, nodeFileName(image));
}

/** The image and node of an install, and whether the image is attached to the node's data center. */
export async function requireInstallTargets(imageId: string | null, nodeId: string | null) {
  const db = getDb();
  const image = imageId ? await firstRow(db.select().from(images).where(eq(images.id, imageId))) : undefined;
  if (!image) throw new NotFoundError('The image');
  const node = nodeId ? await firstRow(db.select().from(nodes).where(eq(nodes.id, nodeId))) : undefined;
  if (!node) throw new NotFoundError('The node');
  const attached = await firstRow(
    db
      .select({ id: imageDataCenters.imageId })
      .from(imageDataCenters)
      .where(and(eq(imageDataCenters.imageId, image.id), eq(imageDataCenters.dataCenterId, node.dataCenterId))),
  );
  return { image, node, imageAttached: Boolean(attached) };
}
