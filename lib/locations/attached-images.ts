import 'server-only';
import { and, asc, count, eq, exists, isNull, ne, not, or, sql } from 'drizzle-orm';
import { can, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { imageDataCenters, images, nodeImages, nodes } from '@/lib/db/schema';

/**
 * Location Details, "Images attached": the image side of attach and detach, seen from
 * one data center. Image Details shows the same relation from the image's side.
 */

export type AttachedImage = {
  id: string;
  name: string;
  version: string;
  osType: string;
  status: string;
  access: string;
  /** Bound to this data center: it belongs here and cannot be detached. */
  boundHere: boolean;
  /** Nodes of this data center on which the image is installed. */
  installedNodes: number;
  /** Whether this user may detach it from here (image.attach, and not bound here). */
  mayChange: boolean;
};

/**
 * The images attached to a data center, for a user who may view it (DCAdmins see them read-only).
 * Deleted images are listed too: they stay attached, and machines may still run them.
 */
export function imagesAttachedToDataCenter(user: UserContext, dataCenterId: string): AttachedImage[] {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  const db = getDb();
  const installedHere = db
    .select({ imageId: nodeImages.imageId, n: count().as('n') })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .where(and(eq(nodes.dataCenterId, dataCenterId), eq(nodeImages.state, 'installed')))
    .groupBy(nodeImages.imageId)
    .as('installed_here');
  const attachedHere = exists(
    db
      .select({ one: imageDataCenters.imageId })
      .from(imageDataCenters)
      .where(and(eq(imageDataCenters.imageId, images.id), eq(imageDataCenters.dataCenterId, dataCenterId))),
  );
  const rows = db
    .select({
      id: images.id,
      name: images.name,
      version: images.version,
      osType: images.osType,
      status: images.status,
      access: images.access,
      dcBoundId: images.dcBoundId,
      installedNodes: sql<number>`coalesce(${installedHere.n}, 0)`,
    })
    .from(images)
    .leftJoin(installedHere, eq(installedHere.imageId, images.id))
    // Bound images get their attachment row at creation; matching dcBoundId too keeps one listed without it.
    .where(or(attachedHere, eq(images.dcBoundId, dataCenterId)))
    .orderBy(asc(images.name))
    .all();
  return rows.map(({ dcBoundId, ...image }) => ({
    ...image,
    boundHere: dcBoundId === dataCenterId,
    mayChange:
      dcBoundId === null && can(user, 'image.attach', { image: { dcBoundId, access: image.access }, dataCenterId }),
  }));
}

/**
 * Whether the user may attach images to this data center at all: SuperAdmins, and ImageAdmins of
 * it (public images only). Decides whether the Attach control is shown.
 */
export function mayAttachImagesTo(user: UserContext, dataCenterId: string): boolean {
  return can(user, 'image.attach', { image: { dcBoundId: null, access: 'public' }, dataCenterId });
}

/**
 * What the Attach control offers: global images not attached here yet that this user may attach
 * here. For an ImageAdmin those are the public ones, including public images attached
 * nowhere they can see yet: "public" is what makes an image shareable. Bound images belong to their
 * own data center, and deleted ones (or those being purged) cannot serve new machines.
 */
export function attachableImages(user: UserContext, dataCenterId: string) {
  if (!mayAttachImagesTo(user, dataCenterId)) return [];
  const attachedHere = exists(
    getDb()
      .select({ one: imageDataCenters.imageId })
      .from(imageDataCenters)
      .where(and(eq(imageDataCenters.imageId, images.id), eq(imageDataCenters.dataCenterId, dataCenterId))),
  );
  return getDb()
    .select({
      id: images.id,
      name: images.name,
      version: images.version,
      access: images.access,
      dcBoundId: images.dcBoundId,
    })
    .from(images)
    .where(
      and(isNull(images.dcBoundId), ne(images.access, 'deleted'), isNull(images.purgeRequestedAt), not(attachedHere)),
    )
    .orderBy(asc(images.name))
    .all()
    .filter((image) => can(user, 'image.attach', { image, dataCenterId }))
    .map(({ dcBoundId: _bound, ...image }) => image);
}
