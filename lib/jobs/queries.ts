import 'server-only';
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { dataCenters, images, jobEvents, jobs, nodes, users } from '@/lib/db/schema';
import { DEFAULT_JOB_PAGE_SIZE, JOB_PAGE_SIZES, type JobListFilters } from './schemas';

const creator = alias(users, 'creator');

function jobsWithNames() {
  return getDb()
    .select({
      job: jobs,
      nodeName: nodes.name,
      // An import's image exists only once the job succeeds; until then its params say what it will be called.
      imageName: sql<string | null>`coalesce(${images.name}, json_extract(${jobs.params}, '$.imageName'))`,
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
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return null;
  return and(
    visible ? inArray(jobs.dataCenterId, visible) : undefined,
    filters.status ? eq(jobs.status, filters.status) : undefined,
    filters.kind ? eq(jobs.kind, filters.kind) : undefined,
    filters.nodeId ? eq(jobs.nodeId, filters.nodeId) : undefined,
    filters.imageId ? eq(jobs.imageId, filters.imageId) : undefined,
    filters.dataCenterId ? eq(jobs.dataCenterId, filters.dataCenterId) : undefined,
  );
}

// Newest first; the id breaks ties between jobs created in the same millisecond, so a job never
// shows on two pages or on none.
const NEWEST_FIRST = [desc(jobs.createdAt), desc(jobs.id)];

export type JobListItem = ReturnType<typeof listJobs>[number];

/**
 * Recent jobs of the data centers the user sees, newest first; for short lists such as an image's
 * jobs or a data center's (`dataCenterId`, on Location Details).
 */
export function listJobs(user: UserContext, filter: JobListFilters & { dataCenterId?: string; limit?: number } = {}) {
  const where = jobsWhere(user, filter);
  if (where === null) return [];
  return jobsWithNames()
    .where(where)
    .orderBy(...NEWEST_FIRST)
    .limit(filter.limit ?? 100)
    .all();
}

export type JobPage = {
  rows: JobListItem[];
  total: number;
  /** The page shown: the one asked for, or the last one when that is past the end. */
  page: number;
  pageSize: number;
  pageCount: number;
};

/** One page of the user's jobs matching `filters`, with the total count for "Showing 26–50 of 123". */
export function listJobsPage(
  user: UserContext,
  { page = 1, pageSize = DEFAULT_JOB_PAGE_SIZE, ...filters }: JobListFilters & { page?: number; pageSize?: number },
): JobPage {
  // The largest offered size caps what a caller may ask for in one query.
  const size = Math.min(Math.max(1, Math.trunc(pageSize)), Math.max(...JOB_PAGE_SIZES));
  const where = jobsWhere(user, filters);
  if (where === null) return { rows: [], total: 0, page: 1, pageSize: size, pageCount: 1 };
  const total = getDb().select({ n: count() }).from(jobs).where(where).get()?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / size));
  // A page past the end (a stale link after jobs were pruned, a hand-edited URL) shows the last one.
  const shown = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  const rows = jobsWithNames()
    .where(where)
    .orderBy(...NEWEST_FIRST)
    .limit(size)
    .offset((shown - 1) * size)
    .all();
  return { rows, total, page: shown, pageSize: size, pageCount };
}

/**
 * The nodes and images the Jobs filters offer: those that appear on jobs the user may see. Offering
 * only these keeps every option meaningful and reveals nothing the job list itself would not.
 */
export function listJobFilterOptions(user: UserContext) {
  const where = jobsWhere(user, {});
  if (where === null) return { nodes: [], images: [] };
  const db = getDb();
  const nodeOptions = db
    .selectDistinct({ id: nodes.id, name: nodes.name, dataCenterName: dataCenters.name })
    .from(jobs)
    .innerJoin(nodes, eq(nodes.id, jobs.nodeId))
    .innerJoin(dataCenters, eq(dataCenters.id, nodes.dataCenterId))
    .where(where)
    .orderBy(asc(dataCenters.name), asc(nodes.name))
    .all();
  const imageOptions = db
    .selectDistinct({ id: images.id, name: images.name, version: images.version })
    .from(jobs)
    .innerJoin(images, eq(images.id, jobs.imageId))
    .where(where)
    .orderBy(asc(images.name), asc(images.version))
    .all();
  return { nodes: nodeOptions, images: imageOptions };
}

export type JobFilterOptions = ReturnType<typeof listJobFilterOptions>;

/** A job with its full log, oldest event first, for a user allowed to see its data center; null otherwise. */
export function getJobView(user: UserContext, jobId: string) {
  const row = jobsWithNames().where(eq(jobs.id, jobId)).get();
  if (!row) return null;
  const dc = row.job.dataCenterId;
  if (!user.isSuperAdmin && (!dc || !can(user, 'datacenter.view', { dataCenterId: dc }))) return null;
  const events = getDb().select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).orderBy(asc(jobEvents.id)).all();
  return { ...row, events };
}

export type JobView = NonNullable<ReturnType<typeof getJobView>>;
