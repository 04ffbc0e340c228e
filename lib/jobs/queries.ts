import 'server-only';
import { and, asc, count, desc, eq, exists, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { dataCenters, images, jobEvents, jobs, nodes, users } from '@/lib/db/tables';
import { imageNameOrAliasContains, imageSearchOrder } from '@/lib/locations/image-search';
import { z } from 'zod';
import { DEFAULT_JOB_PAGE_SIZE, JOB_PAGE_SIZES, type JobFilterChoices, type JobListFilters } from './schemas';
import { notIndexed } from '@/lib/db/dialect';

const creator = alias(users, 'creator');

/**
 * A job's image by name: the image's name now, else the one kept on the job (after a permanent
 * delete, or before an import creates the image). Needs `images` left-joined on the job's image.
 */
export const jobImageName = sql<string | null>`coalesce(${images.name}, ${jobs.imageName})`;

function jobsWithNames() {
  return getDb()
    .select({
      job: jobs,
      nodeName: nodes.name,
      imageName: jobImageName,
      dataCenterName: dataCenters.name,
      createdByName: creator.username,
    })
    .from(jobs)
    .leftJoin(dataCenters, eq(dataCenters.id, jobs.dataCenterId))
    .leftJoin(nodes, eq(nodes.id, jobs.nodeId))
    .leftJoin(images, eq(images.id, jobs.imageId))
    .leftJoin(creator, eq(creator.id, jobs.createdBy));
}

/**
 * The WHERE clause of every job listing: the data centers the user sees, then the
 * filters. `null` means the user sees no data center at all, so callers skip the query.
 */
function jobsWhere(user: UserContext, filters: JobListFilters & { dataCenterId?: string }): SQL | undefined | null {
  const visible = visibleJobs(user, Boolean(filters.nodeId || filters.imageId));
  if (visible === null) return null;
  return and(
    visible,
    filters.status ? eq(jobs.status, filters.status) : undefined,
    filters.kind ? eq(jobs.kind, filters.kind) : undefined,
    filters.nodeId ? eq(jobs.nodeId, filters.nodeId) : undefined,
    filters.imageId ? eq(jobs.imageId, filters.imageId) : undefined,
    filters.dataCenterId ? eq(jobs.dataCenterId, filters.dataCenterId) : undefined,
  );
}

/**
 * The condition "in a data center the user sees": undefined for SuperAdmins (all), null for a user
 * who sees none. `probe` is for a query that finds its few jobs through another index (a node's, an
 * image's, the status's): the unary `+` keeps SQLite off the data center index then, which would
 * have it read all of a data center's jobs (25,000 at seed:large scale) to find them.
 */
function visibleJobs(user: UserContext, probe = false): SQL | undefined | null {
  const visible = visibleDataCenterIds(user);
  if (!visible) return undefined;
  if (visible.length === 0) return null;
  return probe ? inArray(notIndexed(jobs.dataCenterId), visible) : inArray(jobs.dataCenterId, visible);
}

// Newest first; the id breaks ties between jobs created in the same millisecond, so a job never
// shows on two pages or on none.
const NEWEST_FIRST = [desc(jobs.createdAt), desc(jobs.id)];

export type JobListItem = Awaited<ReturnType<typeof listJobs>>[number];

/**
 * Recent jobs of the data centers the user sees, newest first; for short lists such as an image's
 * jobs or a data center's (`dataCenterId`, on Location Details).
 */
export async function listJobs(
  user: UserContext,
  filter: JobListFilters & { dataCenterId?: string; limit?: number } = {},
) {
  const where = jobsWhere(user, filter);
  if (where === null) return [];
  return withNames(newestIds(where).limit(filter.limit ?? 100));
}

/** The ids of the jobs matching `where`, newest first; the caller takes its page of them. */
function newestIds(where: SQL | undefined) {
  return getDb()
    .select({ id: jobs.id })
    .from(jobs)
    .where(where)
    .orderBy(...NEWEST_FIRST)
    .$dynamic();
}

/**
 * The jobs of a page of ids, with their names, newest first. The page is picked from the bare jobs
 * and only its rows are joined: joining every job's names before sorting cost 390 ms a page at
 * 100,000 jobs (npm run seed:large), the sort of the bare rows 35.
 */
function withNames(ids: ReturnType<typeof newestIds>) {
  return jobsWithNames()
    .where(inArray(jobs.id, ids))
    .orderBy(...NEWEST_FIRST);
}

/** The jobs in motion (running first, then queued, oldest first), for the header's job indicator. */
export async function listActiveJobs(user: UserContext, limit = 20) {
  // Through the status index: few jobs are ever in motion, while a data center's finished ones pile up.
  const visible = visibleJobs(user, true);
  if (visible === null) return [];
  const rows = await jobsWithNames()
    .where(and(visible, inArray(jobs.status, ['running', 'queued'])))
    .orderBy(desc(sql`${jobs.status} = 'running'`), asc(jobs.createdAt))
    .limit(limit);
  return rows.map(({ job, nodeName, imageName, dataCenterName }) => ({
    id: job.id,
    kind: job.kind,
    status: job.status,
    phase: job.phase,
    bytesDone: job.bytesDone,
    bytesTotal: job.bytesTotal,
    nodeName,
    imageName,
    dataCenterName,
  }));
}

export type ActiveJob = Awaited<ReturnType<typeof listActiveJobs>>[number];

export type JobPage = {
  rows: JobListItem[];
  total: number;
  /** The page shown: the one asked for, or the last one when that is past the end. */
  page: number;
  pageSize: number;
  pageCount: number;
};

/** One page of the user's jobs matching `filters`, with the total count for "Showing 26–50 of 123". */
export async function listJobsPage(
  user: UserContext,
  { page = 1, pageSize = DEFAULT_JOB_PAGE_SIZE, ...filters }: JobListFilters & { page?: number; pageSize?: number },
): Promise<JobPage> {
  // The largest offered size caps what a caller may ask for in one query.
  const size = Math.min(Math.max(1, Math.trunc(pageSize)), Math.max(...JOB_PAGE_SIZES));
  const where = jobsWhere(user, filters);
  if (where === null) return { rows: [], total: 0, page: 1, pageSize: size, pageCount: 1 };
  const total = (await firstRow(getDb().select({ n: count() }).from(jobs).where(where)))?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / size));
  // A page past the end (a stale link after jobs were pruned, a hand-edited URL) shows the last one.
  const shown = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  const rows = await withNames(
    newestIds(where)
      .limit(size)
      .offset((shown - 1) * size),
  );
  return { rows, total, page: shown, pageSize: size, pageCount };
}

/**
 * The nodes the Jobs filter offers: those with a job the user may see. Offering only these keeps
 * every option meaningful and reveals nothing the job list itself would not. Each node is probed
 * for one such job through the node's index, rather than every job read for its node.
 */
export async function listJobFilterOptions(user: UserContext) {
  const visible = visibleJobs(user, true);
  if (visible === null) return { nodes: [] };
  const db = getDb();
  const hasJob = db
    .select({ one: sql`1` })
    .from(jobs)
    .where(and(eq(jobs.nodeId, nodes.id), visible));
  // A node's jobs are in its data center: the nodes of the others need no probe (each would read
  // all of its jobs to find none the user may see).
  const dataCenterIds = visibleDataCenterIds(user);
  const nodeOptions = await db
    .select({ id: nodes.id, name: nodes.name, dataCenterName: dataCenters.name })
    .from(nodes)
    .innerJoin(dataCenters, eq(dataCenters.id, nodes.dataCenterId))
    .where(and(dataCenterIds ? inArray(nodes.dataCenterId, dataCenterIds) : undefined, exists(hasJob)))
    .orderBy(asc(dataCenters.name), asc(nodes.name));
  return { nodes: nodeOptions };
}

export type JobFilterOptions = Awaited<ReturnType<typeof listJobFilterOptions>>;

/** The most images the Jobs filter's search answers at once; typing more narrows them down. */
export const JOB_IMAGE_SEARCH_LIMIT = 20;

export type JobFilterImage = { id: string; name: string; version: string };

/** How the Image filter names an image: in its search's matches, and as the choice the URL holds. */
export const jobFilterImageLabel = (image: JobFilterImage) => `${image.name} (${image.version})`;

/** "An image with a job the user may see", for the image filter; null when the user sees no job. */
function imageWithVisibleJob(user: UserContext): SQL | undefined | null {
  const visible = visibleJobs(user, true);
  if (visible === null) return null;
  const db = getDb();
  return exists(
    db
      .select({ one: sql`1` })
      .from(jobs)
      .where(and(eq(jobs.imageId, images.id), visible)),
  );
}

/**
 * The image the Jobs filter names (`imageId` in the URL), if it has a job the user may see: the
 * filter's check, one index probe instead of a list of every image with a job (10,000 at seed:large
 * scale), and the name it shows for the choice. Null otherwise, so an id from elsewhere neither
 * filters silently to nothing nor tells whether that image exists.
 */
export async function getJobFilterImage(user: UserContext, imageId: string): Promise<JobFilterImage | null> {
  const withJob = imageWithVisibleJob(user);
  if (withJob === null) return null;
  const image = await firstRow(
    getDb()
      .select({ id: images.id, name: images.name, version: images.version })
      .from(images)
      .where(and(eq(images.id, imageId), withJob)),
  );
  return image ?? null;
}

/**
 * What the Jobs filters may use: the nodes with a job the user may see, and the image the URL
 * names if it has one (looked up, not listed: there may be thousands of images with jobs).
 */
export async function getJobFilterChoices(user: UserContext, imageId: string | undefined) {
  const options = await listJobFilterOptions(user);
  const image = z.uuid().safeParse(imageId).success ? await getJobFilterImage(user, imageId!) : null;
  const choices: JobFilterChoices = { nodeIds: options.nodes.map((n) => n.id), imageIds: image ? [image.id] : [] };
  return { options, image, choices };
}

/**
 * The Jobs filter's image search: at most `limit` images with a job the user may see whose name or
 * alias contains `query` (names starting with it first), and whether there are more.
 */
export async function searchJobFilterImages(
  user: UserContext,
  query: string,
  limit = JOB_IMAGE_SEARCH_LIMIT,
): Promise<{ images: JobFilterImage[]; more: boolean }> {
  const withJob = imageWithVisibleJob(user);
  if (withJob === null) return { images: [], more: false };
  const rows = await getDb()
    .select({ id: images.id, name: images.name, version: images.version })
    .from(images)
    .where(and(imageNameOrAliasContains(query), withJob))
    .orderBy(...imageSearchOrder(query))
    .limit(limit + 1);
  return { images: rows.slice(0, limit), more: rows.length > limit };
}

/** A job with its full log, oldest event first, for a user allowed to see its data center; null otherwise. */
export async function getJobView(user: UserContext, jobId: string) {
  const row = await firstRow(jobsWithNames().where(eq(jobs.id, jobId)));
  if (!row) return null;
  const dc = row.job.dataCenterId;
  if (!user.isSuperAdmin && (!dc || !can(user, 'datacenter.view', { dataCenterId: dc }))) return null;
  const events = await getDb().select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).orderBy(asc(jobEvents.id));
  return { ...row, events };
}

export type JobView = NonNullable<Awaited<ReturnType<typeof getJobView>>>;
