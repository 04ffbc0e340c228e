import 'server-only';
import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { jobEvents, jobs } from '@/lib/db/schema';
import { jobOwnerId } from './owner';
import type { JobRow } from './rows';

/**
 * Who runs which job. Every process that runs jobs has an owner id; it claims a job with a lease
 * (`owner`, `lease_until`) and renews the leases of the jobs it runs on a heartbeat. A running job
 * whose lease expired belongs to a process that died: only then may another process take it over.
 * Several processes can share one database this way, and none ever runs a job another still runs.
 */

function leaseEnd(): Date {
  return new Date(now().getTime() + getConfig().jobsLeaseMs);
}

/**
 * Claims the oldest queued job that may start now, in one statement: the pick and the claim cannot
 * be split by another process. A job on a node waits while that node already runs its share of jobs
 * under live leases, across every process. `skip` leaves out jobs this process decided not to start.
 * On PostgreSQL the inner SELECT takes `FOR UPDATE SKIP LOCKED`; SQLite's single writer does the same.
 */
export function claimNextJob(skip: string[] = []): JobRow | undefined {
  const at = now();
  const { jobsMaxPerNode } = getConfig();
  const busyOnNode = sql`(select count(*) from ${jobs} as r where r.node_id = j.node_id and r.status = 'running' and r.lease_until > ${at.getTime()})`;
  const next = sql`(
    select j.id from ${jobs} as j
    where j.status = 'queued' and (j.run_after is null or j.run_after <= ${at.getTime()})
      and (j.node_id is null or ${busyOnNode} < ${jobsMaxPerNode})
      ${
        skip.length > 0
          ? sql`and j.id not in (${sql.join(
              skip.map((id) => sql`${id}`),
              sql`, `,
            )})`
          : sql``
      }
    order by j.created_at, j.id
    limit 1
  )`;
  return getDb()
    .update(jobs)
    .set({
      status: 'running',
      owner: jobOwnerId(),
      leaseUntil: leaseEnd(),
      // A job started once keeps that start time through retries and resumes.
      startedAt: sql`coalesce(${jobs.startedAt}, ${at.getTime()})`,
      updatedAt: at,
      attempt: sql`${jobs.attempt} + 1`,
      error: null,
    })
    .where(and(eq(jobs.id, next), eq(jobs.status, 'queued')))
    .returning()
    .get();
}

/** Extends this process's leases on the given jobs; returns the ids it still holds. */
export function renewLeases(jobIds: string[]): Set<string> {
  if (jobIds.length === 0) return new Set();
  const renewed = getDb()
    .update(jobs)
    .set({ leaseUntil: leaseEnd() })
    .where(and(inArray(jobs.id, jobIds), eq(jobs.owner, jobOwnerId()), eq(jobs.status, 'running')))
    .returning({ id: jobs.id })
    .all();
  return new Set(renewed.map((r) => r.id));
}

/**
 * Queues again every running job whose owner stopped renewing its lease (the process died), so it
 * resumes from what its last attempt left. Rows from before leases existed have none: expired.
 * This process's own jobs are never taken back from itself.
 */
export function reclaimExpiredJobs(): number {
  return getDb().transaction((tx) => {
    const at = now();
    const expired = tx
      .update(jobs)
      .set({ status: 'queued', owner: null, leaseUntil: null, runAfter: null, updatedAt: at })
      .where(
        and(
          eq(jobs.status, 'running'),
          or(isNull(jobs.leaseUntil), lt(jobs.leaseUntil, at)),
          or(isNull(jobs.owner), ne(jobs.owner, jobOwnerId())),
        ),
      )
      .returning({ id: jobs.id, owner: jobs.owner })
      .all();
    for (const { id } of expired) {
      tx.insert(jobEvents)
        .values([
          {
            jobId: id,
            at,
            level: 'warn',
            message: 'Interrupted: the portal process running this job stopped (its lease expired).',
          },
          { jobId: id, at, level: 'info', message: 'Queued again to resume where it stopped.' },
        ])
        .run();
    }
    return expired.length;
  });
}
