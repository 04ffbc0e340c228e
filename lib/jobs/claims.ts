import 'server-only';
import { and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { lockForTransaction } from '@/lib/db/dialect';
import { jobEvents, jobRunnerDataCenters, jobRunners, jobs, usesPostgres } from '@/lib/db/tables';
import { jobOwnerId } from './owner';
import type { JobRow } from './rows';

/**
 * Who runs which job. Every process that runs jobs has an owner id; it claims a job with a lease
 * (`owner`, `lease_until`) and renews the leases of the jobs it runs on a heartbeat. A running job
 * whose lease expired belongs to a process that died: only then may another process take it over.
 * Several processes can share one database this way, and none ever runs a job another still runs.
 */

/** Until when a lease (or a runner's presence, lib/jobs/runners.ts) taken or renewed now holds. */
export function leaseEnd(): Date {
  return new Date(now().getTime() + getConfig().jobsLeaseMs);
}

/**
 * Claims the oldest queued job that may start now, in one statement: the pick and the claim cannot
 * be split by another process. The limits hold across every process sharing the database, counted
 * from running jobs under live leases: PORTAL_JOBS_MAX in all, PORTAL_JOBS_MAX_PER_NODE on one node.
 * A runner bound to data centers (`boundTo`) takes only their jobs; one bound to none leaves the
 * jobs of a data center with a live runner of its own to that runner.
 * SQLite's single writer runs one claim at a time; on PostgreSQL an advisory lock does (below).
 */
export async function claimNextJob(boundTo: readonly string[] = []): Promise<JobRow | undefined> {
  const at = now();
  const { jobsMax, jobsMaxPerNode } = getConfig();
  const live = sql`r.status = 'running' and r.lease_until > ${at.getTime()}`;
  const runningInAll = sql`(select count(*) from ${jobs} as r where ${live})`;
  const runningOnNode = sql`(select count(*) from ${jobs} as r where r.node_id = j.node_id and ${live})`;
  const next = sql`(
    select j.id from ${jobs} as j
    where j.status = 'queued' and (j.run_after is null or j.run_after <= ${at.getTime()})
      and ${runningInAll} < ${jobsMax}
      and (j.node_id is null or ${runningOnNode} < ${jobsMaxPerNode})
      and ${dataCenterRule(boundTo, at)}
    order by j.created_at, j.id
    limit 1
    ${usesPostgres ? sql`for update skip locked` : sql``}
  )`;
  const claim = async (db: Db | Tx) => {
    const claimed = await db
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
      .returning();
    return claimed[0];
  };
  if (!usesPostgres) return claim(getDb());
  // SQLite writes one statement at a time. PostgreSQL runs claims side by side, and two of them
  // could count the same running jobs and both start one more: a lock held for the claim's
  // transaction alone puts them in a row. SKIP LOCKED passes over a job another write holds.
  return getDb().transaction(async (tx) => {
    await lockForTransaction(tx, 'job-claims');
    return claim(tx);
  });
}

/** Which jobs' data centers a runner may take, as the condition on the candidate job `j`. */
function dataCenterRule(boundTo: readonly string[], at: Date) {
  if (boundTo.length > 0) {
    const ids = sql.join(
      boundTo.map((id) => sql`${id}`),
      sql`, `,
    );
    return sql`j.data_center_id in (${ids})`;
  }
  return sql`(j.data_center_id is null or not exists (
    select 1 from ${jobRunnerDataCenters} as b join ${jobRunners} as w on w.id = b.runner_id
    where b.data_center_id = j.data_center_id and w.alive_until > ${at.getTime()}
  ))`;
}

/** Extends this process's leases on the given jobs; returns the ids it still holds. */
export async function renewLeases(jobIds: string[]): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const renewed = await getDb()
    .update(jobs)
    .set({ leaseUntil: leaseEnd() })
    .where(and(inArray(jobs.id, jobIds), eq(jobs.owner, jobOwnerId()), eq(jobs.status, 'running')))
    .returning({ id: jobs.id });
  return new Set(renewed.map((r) => r.id));
}

/**
 * Queues again every running job whose owner stopped renewing its lease (the process died), so it
 * resumes from what its last attempt left. Rows from before leases existed have none: expired.
 * This process's own jobs are never taken back from itself.
 */
export async function reclaimExpiredJobs(): Promise<number> {
  return getDb().transaction(async (tx) => {
    const at = now();
    const expired = await tx
      .update(jobs)
      .set({ status: 'queued', owner: null, leaseUntil: null, runAfter: null, updatedAt: at })
      .where(
        and(
          eq(jobs.status, 'running'),
          or(isNull(jobs.leaseUntil), lt(jobs.leaseUntil, at)),
          or(isNull(jobs.owner), ne(jobs.owner, jobOwnerId())),
        ),
      )
      .returning({ id: jobs.id, owner: jobs.owner });
    for (const { id } of expired) {
      await tx.insert(jobEvents).values([
        {
          jobId: id,
          at,
          level: 'warn',
          message: 'Interrupted: the portal process running this job stopped (its lease expired).',
        },
        { jobId: id, at, level: 'info', message: 'Queued again to resume where it stopped.' },
      ]);
    }
    return expired.length;
  });
}

/**
 * Queues again the given jobs this process still holds, as it shuts down cleanly: another process
 * resumes each at once, with no lease to wait out, and the attempt cut short is not counted.
 */
export async function releaseJobs(jobIds: string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  return getDb().transaction(async (tx) => {
    const at = now();
    const released = await tx
      .update(jobs)
      .set({
        status: 'queued',
        owner: null,
        leaseUntil: null,
        runAfter: null,
        updatedAt: at,
        attempt: sql`${jobs.attempt} - 1`,
      })
      .where(and(inArray(jobs.id, jobIds), eq(jobs.owner, jobOwnerId()), eq(jobs.status, 'running')))
      .returning({ id: jobs.id });
    for (const { id } of released) {
      await tx.insert(jobEvents).values({
        jobId: id,
        at,
        level: 'info',
        message: 'Handed back: the process running it is shutting down. Queued again to resume where it stopped.',
      });
    }
    return released.length;
  });
}
