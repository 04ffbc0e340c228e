import 'server-only';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { images, jobEvents, jobs, nodes, users } from '@/lib/db/schema';

const creator = alias(users, 'creator');

function jobsWithNames() {
  return getDb()
    .select({
      job: jobs,
      nodeName: nodes.name,
      imageName: images.name,
      createdByName: creator.username,
    })
    .from(jobs)
    .leftJoin(nodes, eq(nodes.id, jobs.nodeId))
    .leftJoin(images, eq(images.id, jobs.imageId))
    .leftJoin(creator, eq(creator.id, jobs.createdBy));
}

export type JobListItem = ReturnType<typeof listJobs>[number];

/** Recent jobs of the data centers the user sees, newest first; optionally of one image. */
export function listJobs(user: UserContext, filter: { imageId?: string; limit?: number } = {}) {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return [];
  return jobsWithNames()
    .where(
      and(
        visible ? inArray(jobs.dataCenterId, visible) : undefined,
        filter.imageId ? eq(jobs.imageId, filter.imageId) : undefined,
      ),
    )
    .orderBy(desc(jobs.createdAt))
    .limit(filter.limit ?? 100)
    .all();
}

// The page shows the newest events; a job's full log stays in the database.
const MAX_EVENTS = 500;

/** A job with its log, for a user allowed to see its data center; null otherwise. */
export function getJobView(user: UserContext, jobId: string) {
  const row = jobsWithNames().where(eq(jobs.id, jobId)).get();
  if (!row) return null;
  const dc = row.job.dataCenterId;
  if (!user.isSuperAdmin && (!dc || !can(user, 'datacenter.view', { dataCenterId: dc }))) return null;
  const events = getDb()
    .select()
    .from(jobEvents)
    .where(eq(jobEvents.jobId, jobId))
    .orderBy(desc(jobEvents.id))
    .limit(MAX_EVENTS)
    .all()
    .reverse();
  return { ...row, events };
}

export type JobView = NonNullable<ReturnType<typeof getJobView>>;
