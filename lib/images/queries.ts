import 'server-only';
import { and, asc, eq, exists, inArray, ne, or } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb, type Tx, firstRow } from '@/lib/db/client';
import { dataCenters, imageDataCenters, images, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import { listDataCenters } from '@/lib/locations/queries';

export type ImageRow = typeof images.$inferSelect;

/**
 * Images the user may see: all for SuperAdmins, else those bound or attached to their data
 * centers. Deleted images only when asked for (the listing's "Show deleted").
 */
export async function listImages(user: UserContext, options: { includeDeleted?: boolean } = {}): Promise<ImageRow[]> {
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
  return await db
    .select()
    .from(images)
    .where(and(options.includeDeleted ? undefined : ne(images.access, 'deleted'), inScope))
    .orderBy(asc(images.name));
}

async function attachedDataCenterIds(imageId: string): Promise<string[]> {
  return (
    await getDb()
      .select({ id: imageDataCenters.dataCenterId })
      .from(imageDataCenters)
      .where(eq(imageDataCenters.imageId, imageId))
  ).map((r) => r.id);
}

/** One image for a user allowed to see it, with the data centers it is attached to; null otherwise. */
/** An image by id, for an operation that authorizes on the image itself; throws NotFoundError when there is none. */
export async function requireImage(imageId: string, db: Pick<Tx, 'select'> = getDb()): Promise<ImageRow> {
  const image = await firstRow(db.select().from(images).where(eq(images.id, imageId)));
  if (!image) throw new NotFoundError('The image');
  return image;
}

export async function getImage(user: UserContext, imageId: string) {
  const image = await firstRow(getDb().select().from(images).where(eq(images.id, imageId)));
  if (!image) return null;
  const attached = await attachedDataCenterIds(imageId);
  return can(user, 'image.view', { image, attachedDataCenterIds: attached }) ? { image, attached } : null;
}

/** "Nodes which have this image": every node-image row, limited to data centers the user sees. */
export async function listNodesWithImage(user: UserContext, imageId: string) {
  const visible = visibleDataCenterIds(user);
  return await getDb()
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
    .orderBy(asc(dataCenters.name), asc(nodes.name));
}

/** Where the user may create images: globally (SuperAdmins) and on data centers where they manage images. */
export async function imageBindingChoices(user: UserContext) {
  const dataCenters = (await listDataCenters(user)).filter((dc) =>
    can(user, 'image.manage', { image: { dcBoundId: dc.id, access: 'public' } }),
  );
  return { global: user.isSuperAdmin, dataCenters };
}

/**
 * The data centers an image is attached to, and those it could be attached to, each with whether
 * this user may change it (image.attach); for the Data centers section of Image Details.
 */
export async function imageAttachments(user: UserContext, image: ImageRow) {
  const attached = new Set(await attachedDataCenterIds(image.id));
  const mayChange = (dataCenterId: string) => can(user, 'image.attach', { image, dataCenterId });
  const visible = (await listDataCenters(user)).map((dc) => ({
    id: dc.id,
    name: dc.name,
    mayChange: !image.dcBoundId && mayChange(dc.id),
  }));
  return {
    attached: visible.filter((dc) => attached.has(dc.id)),
    attachable: visible.filter((dc) => !attached.has(dc.id) && dc.mayChange),
  };
}
