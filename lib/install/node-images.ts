import 'server-only';
import { and, eq } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { imageDataCenters, images, nodeImages, nodes } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';

type NodeImageFields = Partial<Omit<typeof nodeImages.$inferInsert, 'nodeId' | 'imageId' | 'updatedAt'>> & {
  state: (typeof nodeImages.$inferInsert)['state'];
};
type Executor = Pick<ReturnType<typeof getDb>, 'insert'>;

/** Creates or updates the (node, image) availability row. */
export function setNodeImageState(nodeId: string, imageId: string, fields: NodeImageFields, db: Executor = getDb()): void {
  const values = { ...fields, updatedAt: now() };
  db.insert(nodeImages)
    .values({ nodeId, imageId, ...values })
    .onConflictDoUpdate({ target: [nodeImages.nodeId, nodeImages.imageId], set: values })
    .run();
}

/** The image and node of an install, and whether the image is attached to the node's data center. */
export function loadInstallTargets(imageId: string | null, nodeId: string | null) {
  const db = getDb();
  const image = imageId ? db.select().from(images).where(eq(images.id, imageId)).get() : undefined;
  if (!image) throw new NotFoundError('The image');
  const node = nodeId ? db.select().from(nodes).where(eq(nodes.id, nodeId)).get() : undefined;
  if (!node) throw new NotFoundError('The node');
  const attached = db
    .select({ id: imageDataCenters.imageId })
    .from(imageDataCenters)
    .where(and(eq(imageDataCenters.imageId, image.id), eq(imageDataCenters.dataCenterId, node.dataCenterId)))
    .get();
  return { image, node, imageAttached: Boolean(attached) };
}
