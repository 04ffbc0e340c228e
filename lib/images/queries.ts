import 'server-only';
import { and, asc, eq, exists, inArray, ne, or } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb, type Tx } from '@/lib/db/client';
import { dataCenters, imageDataCenters, images, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import { listDataCenters } from '@/lib/locations/queries';

export type ImageRow = typeof images.$inferSelect;

/**
 * Images the user may see: all for SuperAdmins, else those bound or attached to their data
 * centers. Deleted images only when asked for (the listing's "Show deleted").
 */
export function listImages(user: UserContext, options: { includeDeleted?: boolean } = {}): ImageRow[] {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return [];
  const db = getDb();
  const inScope = visible
    ? or(
        inArray(images.dcBoundId, visible),
        exists(
          db
            .select({ one: imageDataCenters.imageId })
            .from(imageDataCenters)
            .where(and(eq(imageDataCenters.imageId, images.id), inArray(imageDataCenters.dataCenterId, visible))),
        ),
      )
    : undefined;
  return db
    .select()
    .from(images)
    .where(and(options.includeDeleted ? undefined : ne(images.access, 'deleted'), inScope))
    .orderBy(asc(images.name))
    .all();
}

function attachedDataCenterIds(imageId: string): string[] {
  return getDb()
    .select({ id: imageDataCenters.dataCenterId })
    .from(imageDataCenters)
    .where(eq(imageDataCenters.imageId, imageId))
    .all()
    .map((r) => r.id);
}

/** One image for a user allowed to see it, with the data centers it is attached to; null otherwise. */
/** An image by id, for an operation that authorizes on the image itself; throws NotFoundError when there is none. */
export function requireImage(imageId: string, db: Pick<Tx, 'select'> = getDb()): ImageRow {
  const image = db.select().from(images).where(eq(images.id, imageId)).get();
  if (!image) throw new NotFoundError('The image');
  return image;
}

export function getImage(user: UserContext, imageId: string) {
  const image = getDb().select().from(images).where(eq(images.id, imageId)).get();
  if (!image) return null;
  const attached = attachedDataCenterIds(imageId);
  return can(user, 'image.view', { image, attachedDataCenterIds: attached }) ? { image, attached } : null;
}

/** "Nodes which have this image": every node-image row, limited to data centers the user sees. */
export function listNodesWithImage(user: UserContext, imageId: string) {
  const visible = visibleDataCenterIds(user);
  return getDb()
    .select({
      nodeId: nodes.id,
      nodeName: nodes.name,
      nodeStatus: nodes.status,
      dataCenterName: dataCenters.name,
      state: nodeImages.state,
      available: nodeImages.available,
      path: nodeImages.path,
      installedAt: nodeImages.installedAt,
      verifiedSha256: nodeImages.verifiedSha256,
      lastJobId: nodeImages.lastJobId,
    })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .innerJoin(dataCenters, eq(dataCenters.id, nodes.dataCenterId))
    .where(and(eq(nodeImages.imageId, imageId), visible ? inArray(nodes.dataCenterId, visible) : undefined))
    .orderBy(asc(dataCenters.name), asc(nodes.name))
    .all();
}

/** Where the user may create images: globally (SuperAdmins) and on data centers where they manage images. */
export function imageBindingChoices(user: UserContext) {
  const dataCenters = listDataCenters(user).filter((dc) =>
    can(user, 'image.manage', { image: { dcBoundId: dc.id, access: 'public' } }),
  );
  return { global: user.isSuperAdmin, dataCenters };
}

/**
 * The data centers an image is attached to, and those it could be attached to, each with whether
 * this user may change it (image.attach); for the Data centers section of Image Details.
 */
export function imageAttachments(user: UserContext, image: ImageRow) {
  const attached = new Set(attachedDataCenterIds(image.id));
  const mayChange = (dataCenterId: string) => can(user, 'image.attach', { image, dataCenterId });
  const visible = listDataCenters(user).map((dc) => ({
    id: dc.id,
    name: dc.name,
    mayChange: !image.dcBoundId && mayChange(dc.id),
  }));
  return {
    attached: visible.filter((dc) => attached.has(dc.id)),
    attachable: visible.filter((dc) => !attached.has(dc.id) && dc.mayChange),
  };
}
