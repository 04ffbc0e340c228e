import 'server-only';
import type { Tx } from '@/lib/db/client';
import { imageDataCenters, images } from '@/lib/db/tables';

/**
 * Adds an image row inside the caller's transaction. A DC-bound image is attached to its own data
 * center at once, by its owner; a global one is attached later, per data center.
 */
export function insertImage(tx: Tx, row: typeof images.$inferInsert & { createdAt: Date }): void {
  tx.insert(images).values(row).run();
  if (row.dcBoundId) {
    tx.insert(imageDataCenters)
      .values({
        imageId: row.id,
        dataCenterId: row.dcBoundId,
        attachedAt: row.createdAt,
        attachedBy: row.ownerId ?? null,
      })
      .run();
  }
}
