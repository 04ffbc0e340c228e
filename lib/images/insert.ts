import 'server-only';
import type { Tx } from '@/lib/db/client';
import { imageDataCenters, images } from '@/lib/db/tables';

/**
 * Adds an image row inside the caller's transaction. A DC-bound image is attached to its own data
 * center at once, by its owner; a global one is attached later, per data center.
 */
export async function insertImage(tx: Tx, row: typeof images.$inferInsert & { createdAt: Date }): Promise<void> {
  await tx.insert(images).values(row);
  if (row.dcBoundId) {
    await tx.insert(imageDataCenters).values({
      imageId: row.id,
      dataCenterId: row.dcBoundId,
      attachedAt: row.createdAt,
      attachedBy: row.ownerId ?? null,
    });
  }
}
