import 'server-only';
import type { Tx } from '@/lib/db/client';
import { imageDataCenters, images } from '@/lib/db/tables';
import { insertImageTags } from './tags';

/**
 * Adds an image row inside the caller's transaction. A DC-bound image is attached to its own data
 * center at once, by its owner; a global one is attached later, per data center.
 */
export async function insertImage(tx: Tx, row: typeof images.$inferInsert & { createdAt: Date }): Promise<void> {
  await tx.insert(images).values(row);
  await insertImageTags(tx, row.id, row.tags ?? []);
  if (row.dcBoundId) {
    await tx.insert(imageDataCenters).values({
      imageId: row.id,
      dataCenterId: row.dcBoundId,
      attachedAt: row.createdAt,
      attachedBy: row.ownerId ?? null,
    });
  }
}
