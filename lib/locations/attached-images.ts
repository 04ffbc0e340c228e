import 'server-only';
import { and, asc, count, eq, exists, inArray, isNull, ne, not, or, sql } from 'drizzle-orm';
import { can, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { imageDataCenters, images, nodeImages, nodes } from '@/lib/db/tables';
import { imageNameOrAliasContains, imageSearchOrder } from './image-search';
import { emptyTablePage, tablePage, type TablePage } from './table-page';
import { asNumber, notIndexed } from '@/lib/db/dialect';

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
 * Attached to this data center by a row, or bound to it (bound images get their row at creation;
 * matching dcBoundId too keeps one listed without it). Tested image by image, so a page in name
 * order walks the name index and stops once it has its rows.
 */
function attachedOrBoundHere(dataCenterId: string) {
  return or(
    exists(
      getDb()
        .select({ one: imageDataCenters.imageId })
        .from(imageDataCenters)
        .where(and(eq(imageDataCenters.imageId, images.id), eq(imageDataCenters.dataCenterId, dataCenterId))),
    ),
    eq(images.dcBoundId, dataCenterId),
  );
}

/** How many images are attached or bound here: from the attachment rows, rather than testing all images. */
async function countAttachedOrBoundHere(dataCenterId: string): Promise<number> {
  const db = getDb();
  const attachedIds = db
    .select({ id: imageDataCenters.imageId })
    .from(imageDataCenters)
    .where(eq(imageDataCenters.dataCenterId, dataCenterId));
  return (
    (
      await firstRow(
        db
          .select({ n: count() })
          .from(images)
          .where(or(inArray(images.id, attachedIds), eq(images.dcBoundId, dataCenterId))),
      )
    )?.n ?? 0
  );
}

/**
 * One page of the images attached to a data center, by name, for a user who may view it (DCAdmins
 * see them read-only). Deleted images are listed too: they stay attached, and machines may still
 * run them.
 */
export async function listImagesAttachedToDataCenter(
  user: UserContext,
  dataCenterId: string,
  page = 1,
): Promise<TablePage<AttachedImage>> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return emptyTablePage();
  const db = getDb();
  // Counted for the rows of the page only, through each image's own node rows (node_images_image_idx).
  const installedHere = db
    .select({ n: count() })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .where(
      and(eq(nodeImages.imageId, images.id), eq(nodeImages.state, 'installed'), eq(nodes.dataCenterId, dataCenterId)),
    );
  return tablePage(await countAttachedOrBoundHere(dataCenterId), page, async (limit, offset) =>
    (
      await db
        .select({
          id: images.id,
          name: images.name,
          version: images.version,
          osType: images.osType,
          status: images.status,
          access: images.access,
          dcBoundId: images.dcBoundId,
          installedNodes: asNumber(sql`(${installedHere})`),
        })
        .from(images)
        .where(attachedOrBoundHere(dataCenterId))
        .orderBy(asc(images.name))
        .limit(limit)
        .offset(offset)
    ).map(({ dcBoundId, ...image }) => ({
      ...image,
      boundHere: dcBoundId === dataCenterId,
      mayChange:
        dcBoundId === null && can(user, 'image.attach', { image: { dcBoundId, access: image.access }, dataCenterId }),
    })),
  );
}

/**
 * Whether the user may attach images to this data center at all: SuperAdmins, and ImageAdmins of
 * it (public images only). Decides whether the Attach control is shown.
 */
export function mayAttachImagesTo(user: UserContext, dataCenterId: string): boolean {
  return can(user, 'image.attach', { image: { dcBoundId: null, access: 'public' }, dataCenterId });
}

/** The most matches a search answers with; the user types more to narrow them. */
export const ATTACH_SEARCH_LIMIT = 20;

export type AttachCandidate = { id: string; name: string; version: string; access: string };

/**
 * What the Attach control offers for what the user typed: global images not attached here yet that
 * this user may attach here, whose name or alias contains `query`, names starting with it first; at
 * most `limit`, and whether there are more. For an ImageAdmin those are the public ones, including
 * public images attached nowhere they can see yet: "public" is what makes an image shareable. Bound
 * images belong to their own data center, and deleted ones (or those being purged) cannot serve new
 * machines.
 */
export async function searchAttachableImages(
  user: UserContext,
  dataCenterId: string,
  query: string,
  limit = ATTACH_SEARCH_LIMIT,
): Promise<{ images: AttachCandidate[]; more: boolean }> {
  // The policy decides on a global image by its access alone, so asking it once per access level
  // lets SQLite filter, and the limit count only images the user may attach.
  const attachable = (['public', 'private'] as const).filter((access) =>
    can(user, 'image.attach', { image: { dcBoundId: null, access }, dataCenterId }),
  );
  if (attachable.length === 0) return { images: [], more: false };
  const db = getDb();
  const attachedHere = exists(
    db
      .select({ one: imageDataCenters.imageId })
      .from(imageDataCenters)
      .where(and(eq(imageDataCenters.imageId, images.id), eq(imageDataCenters.dataCenterId, dataCenterId))),
  );
  const rows = await db
    .select({ id: images.id, name: images.name, version: images.version, access: images.access })
    .from(images)
    .where(
      and(
        // Global images only. The unary `+` keeps SQLite off the dc_bound_id index, which would
        // make it read and sort every global image (30 ms at 10,000) rather than walk the name
        // index and stop at the first page of matches.
        sql`${notIndexed(images.dcBoundId)} is null`,
        inArray(images.access, attachable),
        isNull(images.purgeRequestedAt),
        // An image still waiting for its upload has no file to offer yet.
        ne(images.status, 'pending'),
        not(attachedHere),
        imageNameOrAliasContains(query),
      ),
    )
    .orderBy(...imageSearchOrder(query))
    .limit(limit + 1);
  return { images: rows.slice(0, limit), more: rows.length > limit };
}
