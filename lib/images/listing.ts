import 'server-only';
import { and, count, eq, exists, gt, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { ACTIVE_JOB_STATUSES, OS_TYPES, type OsType } from '@/lib/db/enums';
import { imageDataCenters, images, jobs, nodeImages, nodes, storeReservations } from '@/lib/db/tables';
import { uploadTempName } from '@/lib/store/names';
import {
  DEFAULT_DIRECTION,
  DEFAULT_IMAGE_PAGE_SIZE,
  IMAGE_PAGE_SIZES,
  type ImageListFilters,
  type ImageListOrder,
} from './list-schemas';
import { ignoringCase, likeIgnoringCase, orderedBy } from '@/lib/db/dialect';
import { tagsInUse, taggedWith } from './tags';

/**
 * The Images listing, paged, sorted and filtered in the database, from its indexes, so it stays fast
 * at 10,000 images on SQLite and 100,000 on PostgreSQL (bench/README.md).
 * Scoping is the one of `listImages` (lib/images/queries.ts): SuperAdmins see every image, others
 * only those bound or attached to their data centers. With `includeAttachable` (the Images page),
 * an ImageAdmin also sees the public global images they may attach there, flagged `attachableOnly`.
 */

const attachedTo = (dataCenterIds: string[]) =>
  exists(
    getDb()
      .select({ one: sql`1` })
      .from(imageDataCenters)
      .where(and(eq(imageDataCenters.imageId, images.id), inArray(imageDataCenters.dataCenterId, dataCenterIds))),
  );

/** `%`, `_` and the escape character itself match literally in a LIKE with `escape '\'`. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Images whose name or alias matches the LIKE pattern, ignoring case as names are ASCII. */
export function nameOrAliasLike(pattern: string): SQL {
  return sql`(${likeIgnoringCase(images.name, pattern)} or ${likeIgnoringCase(images.alias, pattern)})`;
}

function accessCondition(access: ImageListFilters['access']): SQL | undefined {
  if (access === 'all') return undefined;
  // Deleted images are hidden unless asked for.
  if (access === undefined) return ne(images.access, 'deleted');
  return eq(images.access, access);
}

/**
 * The WHERE clause of the listing: the user's scope, then the filters. `null` means the user sees
 * no data center at all, so callers skip the query.
 */
function imagesWhere(user: UserContext, filters: ImageListFilters, includeAttachable = false): SQL | undefined | null {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return null;
  const seen = visible ? or(inArray(images.dcBoundId, visible), attachedTo(visible)) : undefined;
  // The policy's own rule decides who may attach a public global image, not a copy of it here.
  const attachable =
    visible && includeAttachable && mayAttachPublicImages(user, visible)
      ? and(isNull(images.dcBoundId), eq(images.access, 'public'))
      : undefined;
  const contains = filters.q ? likeContains(filters.q) : undefined;
  return and(
    attachable ? or(seen, attachable) : seen,
    accessCondition(filters.access),
    contains ? nameOrAliasLike(contains) : undefined,
    filters.osType ? eq(images.osType, filters.osType) : undefined,
    filters.status ? eq(images.status, filters.status) : undefined,
    filters.diskFormat ? eq(images.diskFormat, filters.diskFormat) : undefined,
    filters.dataCenterId
      ? or(eq(images.dcBoundId, filters.dataCenterId), attachedTo([filters.dataCenterId]))
      : undefined,
    filters.tag ? taggedWith(filters.tag) : undefined,
  );
}

// Whether a column may be null decides how the ORDER BY places nulls (see orderedBy).
const SORT_COLUMNS = {
  // Ignoring case, so "alpine" and "Ubuntu" sort as people read them; images_name_nocase_idx serves it.
  name: { column: ignoringCase(images.name), nullable: false },
  version: { column: images.version, nullable: false },
  created: { column: images.createdAt, nullable: false },
  size: { column: images.sizeBytes, nullable: true },
} as const;

/**
 * ORDER BY for a listing. The unique name breaks ties in the same direction, so every image has
 * one place (no row on two pages or on none) and one index on (column, name) serves both ways.
 */
function orderBy({ sort, dir, group }: ImageListOrder): SQL[] {
  const { column, nullable } = SORT_COLUMNS[sort];
  const byColumn = [orderedBy(column, dir, { nullable }), orderedBy(images.name, dir, { nullable: false })];
  // Grouped: one alias after the other (images without an alias last), the chosen sort within.
  return group === 'alias' ? [sql`${images.alias} asc nulls last`, ...byColumn] : byColumn;
}

const LIST_COLUMNS = {
  id: images.id,
  name: images.name,
  alias: images.alias,
  version: images.version,
  osType: images.osType,
  diskFormat: images.diskFormat,
  containerFormat: images.containerFormat,
  sizeBytes: images.sizeBytes,
  status: images.status,
  access: images.access,
  dcBoundId: images.dcBoundId,
  createdAt: images.createdAt,
};

export type ImageListRow = { [K in keyof typeof LIST_COLUMNS]: (typeof images.$inferSelect)[K] } & {
  /** Nodes (of the data centers the user sees) where the image is installed. */
  installedNodes: number;
  /** Listed only because the user may attach it (a public global image, not yet on their data centers). */
  attachableOnly?: true;
};

export type ImagePage = {
  rows: ImageListRow[];
  total: number;
  /** The page shown: the one asked for, or the last one when that is past the end. */
  page: number;
  pageSize: number;
  pageCount: number;
  /** Grouped by alias: how many images of each alias on this page match the filters (on any page). */
  aliasCounts: Record<string, number>;
};

type PageRequest = ImageListFilters &
  Partial<ImageListOrder> & { page?: number; pageSize?: number; includeAttachable?: boolean };

/** One page of the images the user may see that match `filters`, with the total for "Showing 26–50 of 123". */
export async function listImagesPage(user: UserContext, request: PageRequest = {}): Promise<ImagePage> {
  const {
    page = 1,
    pageSize = DEFAULT_IMAGE_PAGE_SIZE,
    sort = 'name',
    dir,
    group,
    includeAttachable,
    ...filters
  } = request;
  const size = Math.min(Math.max(1, Math.trunc(pageSize)), Math.max(...IMAGE_PAGE_SIZES));
  const where = imagesWhere(user, filters, includeAttachable);
  if (where === null) return { rows: [], total: 0, page: 1, pageSize: size, pageCount: 1, aliasCounts: {} };
  const db = getDb();
  const total = (await firstRow(db.select({ n: count() }).from(images).where(where)))?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / size));
  // A page past the end (a stale link after images were deleted, a hand-edited URL) shows the last one.
  const shown = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  const found = await db
    .select(LIST_COLUMNS)
    .from(images)
    .where(where)
    .orderBy(...orderBy({ sort, dir: dir ?? DEFAULT_DIRECTION[sort], group }))
    .limit(size)
    .offset((shown - 1) * size);
  const installed = await installedCounts(
    user,
    found.map((r) => r.id),
  );
  const onlyAttachable = includeAttachable ? await attachableOnly(user, found) : new Set<string>();
  const rows = found.map((r) => ({
    ...r,
    installedNodes: installed.get(r.id) ?? 0,
    ...(onlyAttachable.has(r.id) ? { attachableOnly: true as const } : {}),
  }));
  const aliasCounts = group === 'alias' ? await countAliases(where, rows) : {};
  return { rows, total, page: shown, pageSize: size, pageCount, aliasCounts };
}

/**
 * Installed-node counts for one page of images only: a lookup per image in node_images_image_idx
 * (image_id, state), never a pass over the 100,000 node-image rows.
 */
async function installedCounts(user: UserContext, imageIds: string[]): Promise<Map<string, number>> {
  if (imageIds.length === 0) return new Map();
  const visible = visibleDataCenterIds(user);
  const counted = await getDb()
    .select({ imageId: nodeImages.imageId, n: count() })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .where(
      and(
        inArray(nodeImages.imageId, imageIds),
        eq(nodeImages.state, 'installed'),
        visible ? inArray(nodes.dataCenterId, visible) : undefined,
      ),
    )
    .groupBy(nodeImages.imageId);
  return new Map(counted.map((c) => [c.imageId, c.n]));
}

/** How many images of each alias on the page match the filters, for the group headings. */
async function countAliases(where: SQL | undefined, rows: ImageListRow[]): Promise<Record<string, number>> {
  const aliases = [...new Set(rows.flatMap((r) => (r.alias ? [r.alias] : [])))];
  if (aliases.length === 0) return {};
  const counted = await getDb()
    .select({ alias: images.alias, n: count() })
    .from(images)
    .where(and(where, inArray(images.alias, aliases)))
    .groupBy(images.alias);
  return Object.fromEntries(counted.map((c) => [c.alias!, c.n]));
}

/** What the filter form offers: the OS types and tags of the images the user may see. */
export async function listImageFilterOptions(
  user: UserContext,
  { includeAttachable = false } = {},
): Promise<{ osTypes: OsType[]; tags: string[] }> {
  const where = imagesWhere(user, { access: 'all' }, includeAttachable);
  if (where === null) return { osTypes: [], tags: [] };
  const [osTypes, tags] = await Promise.all([osTypesInUse(where), tagsInUse(where)]);
  return { osTypes, tags };
}

/**
 * The OS types of the images matching `where`: whether one image of each type matches, looked up
 * in images_os_type_idx, rather than a DISTINCT over every image.
 */
async function osTypesInUse(where: SQL | undefined): Promise<OsType[]> {
  const anyOf = (os: OsType) =>
    exists(
      getDb()
        .select({ one: sql`1` })
        .from(images)
        .where(and(eq(images.osType, os), where)),
    );
  const [found] = await getDb()
    .select(Object.fromEntries(OS_TYPES.map((os) => [os, sql<unknown>`case when ${anyOf(os)} then 1 else 0 end`])))
    .from(sql`(select 1) as one`);
  return OS_TYPES.filter((os) => Number(found?.[os]) === 1);
}

/** Whether the user is ImageAdmin somewhere, and so may attach public global images there. */
function mayAttachPublicImages(user: UserContext, visible: string[]): boolean {
  const publicGlobal = { dcBoundId: null, access: 'public' as const };
  return visible.some((dataCenterId) => can(user, 'image.attach', { image: publicGlobal, dataCenterId }));
}

/** Of a page's rows, the global images that are on none of the user's data centers yet. */
async function attachableOnly(
  user: UserContext,
  rows: { id: string; dcBoundId: string | null }[],
): Promise<Set<string>> {
  const visible = visibleDataCenterIds(user);
  const global = rows.filter((r) => r.dcBoundId === null).map((r) => r.id);
  if (!visible || global.length === 0) return new Set();
  const attached = await getDb()
    .selectDistinct({ imageId: imageDataCenters.imageId })
    .from(imageDataCenters)
    .where(and(inArray(imageDataCenters.imageId, global), inArray(imageDataCenters.dataCenterId, visible)));
  const here = new Set(attached.map((a) => a.imageId));
  return new Set(global.filter((id) => !here.has(id)));
}

/**
 * Whether a page of images is still changing underneath: an upload into the store for one of them,
 * a job on one of them (an install moves "Installed on"), or an import the user can see, which adds
 * an image when it ends. The page polls while this holds.
 */
export async function imagesInMotion(user: UserContext, imageIds: string[]): Promise<boolean> {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return false;
  const db = getDb();
  const uploading =
    imageIds.length > 0 &&
    (await firstRow(
      db
        .select({ id: storeReservations.id })
        .from(storeReservations)
        .where(
          and(
            inArray(storeReservations.tempFile, imageIds.map(uploadTempName)),
            gt(storeReservations.leaseUntil, now()),
          ),
        ),
    )) !== undefined;
  if (uploading) return true;
  const moving =
    imageIds.length > 0 ? or(eq(jobs.kind, 'import'), inArray(jobs.imageId, imageIds)) : eq(jobs.kind, 'import');
  return (
    (await firstRow(
      db
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            inArray(jobs.status, ACTIVE_JOB_STATUSES),
            moving,
            visible ? inArray(jobs.dataCenterId, visible) : undefined,
          ),
        ),
    )) !== undefined
  );
}

/** Whether an import the user can see is queued or running: a repository's rows change when it ends. */
export async function importsUnderWay(user: UserContext): Promise<boolean> {
  return await imagesInMotion(user, []);
}
