import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { newId, now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { ACTIVE_JOB_STATUSES, type JobKind, type LogLevel } from '@/lib/db/enums';
import { jobEvents, jobs, nodeImages } from '@/lib/db/schema';

/** Durable job rows (DESIGN §2 Job): every state change of a job is written here first. */

export type JobRow = typeof jobs.$inferSelect;
type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

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
    .values({ id, status: 'queued', params: {}, ...input, createdAt: at, updatedAt: at })
    .run();
  tx.insert(jobEvents).values({ jobId: id, at, level: 'info', message: `Queued ${input.kind} job.` }).run();
  return id;
}

/** The job already queued or running for this node and image, if any. */
export function findActiveJob(tx: Tx, nodeId: string, imageId: string): JobRow | undefined {
  return tx
    .select()
    .from(jobs)
    .where(and(eq(jobs.nodeId, nodeId), eq(jobs.imageId, imageId), inArray(jobs.status, ACTIVE_JOB_STATUSES)))
    .get();
}

export function getJobStatus(jobId: string) {
  return getDb().select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId)).get()?.status;
}

export function listQueuedJobs(): JobRow[] {
  return getDb().select().from(jobs).where(eq(jobs.status, 'queued')).orderBy(asc(jobs.createdAt)).all();
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
    .set({ status: outcome.status, error: outcome.error ?? null, result: outcome.result, finishedAt: at, updatedAt: at })
    .where(eq(jobs.id, jobId))
    .run();
}

/**
 * At start-up, nothing is running yet: a job still marked `running` was cut off by the last stop.
 * It becomes `interrupted`, and a node image it was installing is marked failed rather than left
 * looking busy.
 */
export function markRunningJobsInterrupted(): number {
  const db = getDb();
  return db.transaction((tx) => {
    const cut = tx.select({ id: jobs.id }).from(jobs).where(eq(jobs.status, 'running')).all();
    if (cut.length === 0) return 0;
    const ids = cut.map((j) => j.id);
    const at = now();
    tx.update(jobs).set({ status: 'interrupted', updatedAt: at }).where(inArray(jobs.id, ids)).run();
    tx.update(nodeImages)
      .set({ state: 'failed', updatedAt: at })
      .where(and(inArray(nodeImages.lastJobId, ids), eq(nodeImages.state, 'installing')))
      .run();
    for (const id of ids) {
      tx.insert(jobEvents).values({ jobId: id, at, level: 'warn', message: 'Interrupted: the portal stopped while this job ran.' }).run();
    }
    return ids.length;
  });
}
