import 'server-only';
import { and, asc, eq, gt, inArray, isNull, lte, min, or, sql } from 'drizzle-orm';
import { newId, now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getDb, type Tx } from '@/lib/db/client';
import { ACTIVE_JOB_STATUSES, type JobKind, type LogLevel } from '@/lib/db/enums';
import { jobEvents, jobs } from '@/lib/db/schema';

/** Durable job rows (DESIGN §2 Job): every state change of a job is written here first. */

export type JobRow = typeof jobs.$inferSelect;

export function insertJob(
  tx: Tx,
  input: {
    kind: JobKind;
    createdBy: string | null;
    nodeId?: string;
    imageId?: string;
    dataCenterId?: string;
    params?: Record<string, unknown>;
  },
): string {
  const id = newId();
  const at = now();
  tx.insert(jobs)
    .values({ id, status: 'queued', params: {}, maxAttempts: getConfig().jobsMaxAttempts, ...input, createdAt: at, updatedAt: at })
    .run();
  tx.insert(jobEvents).values({ jobId: id, at, level: 'info', message: `Queued ${input.kind} job.` }).run();
  return id;
}

/** A paused job still owns its node and image: its `.part` waits on the node for it. */
const HOLDING_STATUSES = [...ACTIVE_JOB_STATUSES, 'paused' as const];

/** The job already queued, running or paused for this node and image, if any. */
export function findActiveJob(tx: Pick<Tx, 'select'>, nodeId: string, imageId: string): JobRow | undefined {
  return tx
    .select()
    .from(jobs)
    .where(and(eq(jobs.nodeId, nodeId), eq(jobs.imageId, imageId), inArray(jobs.status, HOLDING_STATUSES)))
    .get();
}

export function getJobStatus(jobId: string) {
  return getDb().select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId)).get()?.status;
}

/** Queued jobs that may start now: retries wait out their backoff. */
export function listQueuedJobs(): JobRow[] {
  return getDb()
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, 'queued'), or(isNull(jobs.runAfter), lte(jobs.runAfter, now()))))
    .orderBy(asc(jobs.createdAt))
    .all();
}

/** When the next retry that is still waiting out its backoff becomes due, if any. */
export function nextRetryAt(): Date | null {
  const row = getDb()
    .select({ at: min(jobs.runAfter) })
    .from(jobs)
    .where(and(eq(jobs.status, 'queued'), gt(jobs.runAfter, now())))
    .get();
  return row?.at ? new Date(row.at) : null;
}

/** Moves a queued job to running; false when another worker got there first. */
export function claimJob(job: JobRow): boolean {
  const at = now();
  const result = getDb()
    .update(jobs)
    .set({ status: 'running', startedAt: at, updatedAt: at, attempt: job.attempt + 1, error: null })
    .where(and(eq(jobs.id, job.id), eq(jobs.status, 'queued')))
    .run();
  return result.changes === 1;
}

export function appendJobEvent(jobId: string, level: LogLevel, message: string): void {
  getDb().insert(jobEvents).values({ jobId, at: now(), level, message }).run();
}

export function saveJobProgress(jobId: string, progress: { phase?: string; bytesDone?: number; bytesTotal?: number | null }) {
  getDb()
    .update(jobs)
    .set({ ...progress, updatedAt: now() })
    .where(eq(jobs.id, jobId))
    .run();
}

export function finishJob(
  jobId: string,
  outcome: { status: 'succeeded' | 'failed' | 'cancelled'; error?: string; result?: Record<string, unknown> },
): void {
  const at = now();
  getDb()
    .update(jobs)
    .set({
      status: outcome.status,
      error: outcome.error ?? null,
      result: outcome.result,
      controlRequest: null,
      runAfter: null,
      finishedAt: at,
      updatedAt: at,
    })
    .where(eq(jobs.id, jobId))
    .run();
}

/** Queues the job again after a transient failure; the runner starts it once `runAfter` passes. */
export function scheduleRetry(jobId: string, runAfter: Date, error: string): void {
  getDb().update(jobs).set({ status: 'queued', runAfter, error, updatedAt: now() }).where(eq(jobs.id, jobId)).run();
}

/** A paused job waits, with its partial transfer kept, until a user resumes or cancels it. */
export function markPaused(jobId: string): void {
  getDb().update(jobs).set({ status: 'paused', controlRequest: null, updatedAt: now() }).where(eq(jobs.id, jobId)).run();
}

export function readControlRequest(jobId: string) {
  return getDb().select({ request: jobs.controlRequest }).from(jobs).where(eq(jobs.id, jobId)).get()?.request ?? null;
}

/** Adds bytes an attempt moved, so the job shows what all attempts together cost. */
export function addBytesTransferred(jobId: string, bytes: number): void {
  if (bytes <= 0) return;
  getDb()
    .update(jobs)
    .set({ bytesTransferred: sql`${jobs.bytesTransferred} + ${bytes}` })
    .where(eq(jobs.id, jobId))
    .run();
}

/**
 * At start-up, nothing is running yet: a job still marked `running` was cut off by the last stop.
 * It is recorded as `interrupted`, then every interrupted job is queued again so it resumes from
 * what its last attempt left on the node. A claim is one conditional UPDATE, so none runs twice.
 */
export function resumeInterruptedJobs(): number {
  return getDb().transaction((tx) => {
    const at = now();
    const cut = tx.select({ id: jobs.id }).from(jobs).where(eq(jobs.status, 'running')).all();
    for (const { id } of cut) {
      tx.insert(jobEvents).values({ jobId: id, at, level: 'warn', message: 'Interrupted: the portal stopped while this job ran.' }).run();
    }
    tx.update(jobs).set({ status: 'interrupted', updatedAt: at }).where(eq(jobs.status, 'running')).run();
    const interrupted = tx.select({ id: jobs.id }).from(jobs).where(eq(jobs.status, 'interrupted')).all();
    for (const { id } of interrupted) {
      tx.insert(jobEvents).values({ jobId: id, at, level: 'info', message: 'Queued again to resume after the portal restart.' }).run();
    }
    tx.update(jobs).set({ status: 'queued', runAfter: null, updatedAt: at }).where(eq(jobs.status, 'interrupted')).run();
    return interrupted.length;
  });
}
