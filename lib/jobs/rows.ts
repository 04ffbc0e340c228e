import 'server-only';
import { and, eq, gt, inArray, min, sql } from 'drizzle-orm';
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { newId, now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { retryWhileBusy } from '@/lib/db/busy';
import { firstRow, getDb, type Tx } from '@/lib/db/client';
import { HOLDING_JOB_STATUSES, type JobKind, type LogLevel } from '@/lib/db/enums';
import { images, jobEvents, jobs } from '@/lib/db/tables';
import { jobOwnerId } from './owner';

/**
 * Durable job rows: every state change of a job is written here first. Functions that take a `tx`
 * join their caller's transaction; the others are awaited.
 */

export type JobRow = typeof jobs.$inferSelect;

export async function insertJob(
  tx: Tx,
  input: {
    kind: JobKind;
    createdBy: string | null;
    nodeId?: string;
    imageId?: string;
    dataCenterId?: string;
    /** For a job whose image does not exist yet (an import); otherwise the image's own name. */
    imageName?: string;
    params?: Record<string, unknown>;
  },
): Promise<string> {
  const id = newId();
  const at = now();
  await tx.insert(jobs).values({
    id,
    status: 'queued',
    params: {},
    maxAttempts: getConfig().jobsMaxAttempts,
    ...input,
    imageName: input.imageId ? await nameOfImage(tx, input.imageId) : (input.imageName ?? null),
    createdAt: at,
    updatedAt: at,
  });
  await tx.insert(jobEvents).values({ jobId: id, at, level: 'info', message: `Queued ${input.kind} job.` });
  return id;
}

const nameOfImage = async (tx: Tx, imageId: string) =>
  (await firstRow(tx.select({ name: images.name }).from(images).where(eq(images.id, imageId))))?.name ?? null;

/** The job already queued, running or paused for this node and image, if any. */
export async function getActiveJob(
  tx: Pick<Tx, 'select'>,
  nodeId: string,
  imageId: string,
): Promise<JobRow | undefined> {
  return await firstRow(
    tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.nodeId, nodeId), eq(jobs.imageId, imageId), inArray(jobs.status, HOLDING_JOB_STATUSES))),
  );
}

export async function getJobStatus(jobId: string) {
  return (await firstRow(getDb().select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId))))?.status;
}

/** When the next retry that is still waiting out its backoff becomes due, if any. */
export async function nextRetryAt(): Promise<Date | null> {
  const row = await firstRow(
    getDb()
      .select({ at: min(jobs.runAfter) })
      .from(jobs)
      .where(and(eq(jobs.status, 'queued'), gt(jobs.runAfter, now()))),
  );
  return row?.at ? new Date(row.at) : null;
}

export async function appendJobEvent(jobId: string, level: LogLevel, message: string): Promise<void> {
  await getDb().insert(jobEvents).values({ jobId, at: now(), level, message });
}

export async function saveJobProgress(
  jobId: string,
  progress: { phase?: string; bytesDone?: number; bytesTotal?: number | null },
): Promise<void> {
  await getDb()
    .update(jobs)
    .set({ ...progress, updatedAt: now() })
    .where(eq(jobs.id, jobId));
}

/**
 * The writes that end an attempt. Each applies only while this process still owns the running job,
 * so a process that lost its lease (another took the job over) cannot overwrite the new owner's
 * record; and each waits out a locked database instead of leaving the job `running`.
 */
function settleAttempt(jobId: string, set: SQLiteUpdateSetSource<typeof jobs>, what: string): Promise<boolean> {
  return retryWhileBusy(async () => {
    const updated = await getDb()
      .update(jobs)
      .set({ ...set, owner: null, leaseUntil: null, updatedAt: now() })
      .where(and(eq(jobs.id, jobId), eq(jobs.status, 'running'), eq(jobs.owner, jobOwnerId())))
      .returning({ id: jobs.id });
    return updated.length === 1;
  }, what);
}

export function finishJob(
  jobId: string,
  outcome: { status: 'succeeded' | 'failed' | 'cancelled'; error?: string; result?: Record<string, unknown> },
): Promise<boolean> {
  const at = now();
  const set = {
    status: outcome.status,
    error: outcome.error ?? null,
    result: outcome.result,
    controlRequest: null,
    runAfter: null,
    finishedAt: at,
  };
  return settleAttempt(jobId, set, `the end of job ${jobId}`);
}

/** Queues the job again after a transient failure; the runner starts it once `runAfter` passes. */
export function scheduleRetry(jobId: string, runAfter: Date, error: string): Promise<boolean> {
  return settleAttempt(jobId, { status: 'queued', runAfter, error }, `the retry of job ${jobId}`);
}

/**
 * A paused job waits, with its partial transfer kept, until a user resumes or cancels it. A pause
 * is not a failure, so it gives its attempt back: the resumed run is the same attempt again.
 */
export function markPaused(jobId: string): Promise<boolean> {
  const attempt = sql`case when ${jobs.attempt} > 0 then ${jobs.attempt} - 1 else 0 end`;
  const set = { status: 'paused' as const, controlRequest: null, attempt };
  return settleAttempt(jobId, set, `the pause of job ${jobId}`);
}

export async function readControlRequest(jobId: string) {
  const row = await firstRow(getDb().select({ request: jobs.controlRequest }).from(jobs).where(eq(jobs.id, jobId)));
  return row?.request ?? null;
}

/** Adds bytes an attempt moved, so the job shows what all attempts together cost. */
export async function addBytesTransferred(jobId: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  await getDb()
    .update(jobs)
    .set({ bytesTransferred: sql`${jobs.bytesTransferred} + ${bytes}` })
    .where(eq(jobs.id, jobId));
}
