import 'server-only';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { nodeImages } from '@/lib/db/schema';

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
