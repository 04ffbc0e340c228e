import 'server-only';
import { firstRow } from '@/lib/db/client';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { imageDataCenters } from '@/lib/db/tables';

/**
 * The placement rule: a node offers an image only where the image is usable in the node's data
 * center, meaning bound to it or attached to it. Install, availability, sync and the record of a
 * finished install all ask here, so no path around it can offer an image elsewhere.
 */
export async function isImageUsableIn(
  db: Pick<Tx, 'select'>,
  image: { id: string; dcBoundId: string | null },
  dataCenterId: string,
): Promise<boolean> {
  if (image.dcBoundId === dataCenterId) return true;
  const attached = await firstRow(
    db
      .select({ imageId: imageDataCenters.imageId })
      .from(imageDataCenters)
      .where(and(eq(imageDataCenters.imageId, image.id), eq(imageDataCenters.dataCenterId, dataCenterId))),
  );
  return attached !== undefined;
}

/** The refusal when the rule says no; it says what to do about it. */
export function notUsableHere(imageName: string, dataCenterName: string): string {
  return `${imageName} is not attached to ${dataCenterName}, and a node offers only images bound or attached to its data center. Attach it there first.`;
}
