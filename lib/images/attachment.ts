import 'server-only';
import { requireImage } from './queries';
import { requireDataCenter } from '@/lib/locations/queries';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, type Tx, changedRows } from '@/lib/db/client';
import { imageDataCenters, nodeImages, nodes } from '@/lib/db/tables';
import { ConflictError, InUseError, ValidationError } from '@/lib/errors';
import { machinesUsingImage } from '@/lib/machines/queries';
import { checkbox, id } from '@/lib/validation';

/**
 * Attach and detach: which data centers may use an image. A DC-bound image belongs to
 * its own data center only. Detach is refused while a machine in that data center uses the image;
 * otherwise its copies there stop being offered for placement.
 */
const attachmentSchema = z.object({ imageId: id, dataCenterId: z.uuid('Choose a data center.'), attached: checkbox });

/** Attaches a global image to a data center, inside the caller's transaction; attaching twice changes nothing. */
export async function attachImage(
  db: Pick<Tx, 'insert'>,
  image: { id: string },
  dataCenterId: string,
  userId: string | null,
): Promise<void> {
  await db
    .insert(imageDataCenters)
    .values({ imageId: image.id, dataCenterId, attachedAt: now(), attachedBy: userId })
    .onConflictDoNothing();
}

async function requireTargets(imageId: string, dataCenterId: string) {
  return { image: await requireImage(imageId), dataCenter: await requireDataCenter(dataCenterId) };
}

export const setImageAttachment = defineOperation({
  name: 'image.attachment',
  targetType: 'image',
  input: attachmentSchema,
  authorize: async (input, user, note) => {
    const { image } = await requireTargets(input.imageId, input.dataCenterId);
    note({ targetId: image.id, dataCenterId: input.dataCenterId, details: { attached: input.attached } });
    authorize(user, 'image.attach', { image, dataCenterId: input.dataCenterId });
  },
  run: async (input, user) => {
    const { image, dataCenter } = await requireTargets(input.imageId, input.dataCenterId);
    if (image.dcBoundId) {
      throw new ValidationError(
        `${image.name} is bound to its own data center, so it is attached there and nowhere else.`,
      );
    }
    if (input.attached && image.purgeRequestedAt)
      throw new ConflictError(`${image.name} is being deleted permanently.`);
    if (input.attached && image.status === 'pending')
      throw new ConflictError(`${image.name} has no file yet; attach it once its upload has been verified.`);
    const db = getDb();
    const where = and(eq(imageDataCenters.imageId, image.id), eq(imageDataCenters.dataCenterId, dataCenter.id));
    if (input.attached) {
      await attachImage(db, image, dataCenter.id, user.id);
      return { imageId: image.id, dataCenterId: dataCenter.id, attached: true, withdrawn: 0 };
    }
    const dcNodes = (await db.select({ id: nodes.id }).from(nodes).where(eq(nodes.dataCenterId, dataCenter.id))).map(
      (n) => n.id,
    );
    const users = await machinesUsingImage(image.id, { nodeIds: dcNodes });
    if (users.length > 0) {
      throw new InUseError(
        `${image.name} stays attached to ${dataCenter.name}: ${users.map((m) => `${m.name} on ${m.nodeName}`).join(', ')} use${users.length > 1 ? '' : 's'} it.`,
      );
    }
    const withdrawn = await db.transaction(async (tx) => {
      await tx.delete(imageDataCenters).where(where);
      if (dcNodes.length === 0) return 0;
      // Copies stay on the nodes (an admin may remove them from Image Availability) but are no longer offered.
      return changedRows(
        await tx
          .update(nodeImages)
          .set({ available: false, updatedAt: now() })
          .where(
            and(eq(nodeImages.imageId, image.id), inArray(nodeImages.nodeId, dcNodes), eq(nodeImages.available, true)),
          ),
      );
    });
    return { imageId: image.id, dataCenterId: dataCenter.id, attached: false, withdrawn };
  },
  audited: (result) => ({ details: { attached: result.attached, withdrawnFromNodes: result.withdrawn } }),
});
