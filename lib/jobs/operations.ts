import 'server-only';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, type Tx, firstRow } from '@/lib/db/client';
import { jobEvents, jobs } from '@/lib/db/tables';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { id } from '@/lib/validation';
import { wakeJobRunners } from './runner';
import type { NoteTarget } from './kind';
import { jobKindOf } from './registry';
import type { JobRow } from './rows';

/**
 * Cancel, pause and resume. A running job is only asked to stop: the runner sees the request within
 * a second and ends the attempt at a clean boundary. What a job allows, and who may ask, its kind
 * says (lib/jobs/kind.ts). Each decision reads and writes in one transaction, so it never acts on a
 * status the runner has already changed.
 */

async function requireJob(tx: Pick<Tx, 'select'>, jobId: string): Promise<JobRow> {
  const job = await firstRow(tx.select().from(jobs).where(eq(jobs.id, jobId)));
  if (!job) throw new NotFoundError('The job');
  return job;
}

/** Moves the job from its current status and logs why. */
async function transition(tx: Tx, job: JobRow, set: Partial<typeof jobs.$inferInsert>, message: string): Promise<void> {
  const at = now();
  await tx
    .update(jobs)
    .set({ ...set, updatedAt: at })
    .where(and(eq(jobs.id, job.id), eq(jobs.status, job.status)));
  await tx.insert(jobEvents).values({ jobId: job.id, at, level: 'info', message });
}

function refuse(job: JobRow, what: string): never {
  throw new ConflictError(`This job is ${job.status}, so it cannot be ${what}.`);
}

/**
 * Cancels a job inside the caller's transaction, or asks its runner to; the caller kicks the runner
 * after commit. Image Availability uses it too: unchecking a node with an install under way means
 * the same.
 */
export async function requestJobCancel(
  tx: Tx,
  jobId: string,
  reason = 'Cancel requested.',
): Promise<'cancelled' | 'cancelling'> {
  const job = await requireJob(tx, jobId);
  if (job.controlRequest === 'cancel') return 'cancelling';
  // Nothing reached the node yet: the job simply ends, and so does its claim on the node image.
  if (job.status === 'queued' && job.attempt === 0) {
    await transition(tx, job, { status: 'cancelled', finishedAt: now() }, `${reason} It had not started.`);
    await jobKindOf(job.kind).onCancelledBeforeStart?.(tx, job);
    return 'cancelled';
  }
  if (job.status === 'paused' || job.status === 'queued') {
    // Its .part is on the node: the runner takes it once more, only to remove that.
    await transition(
      tx,
      job,
      { status: 'queued', controlRequest: 'cancel', runAfter: null },
      `${reason} The partial transfer will be removed from the node.`,
    );
    return 'cancelling';
  }
  if (job.status === 'running' && jobKindOf(job.kind).cancellable) {
    await transition(tx, job, { controlRequest: 'cancel' }, reason);
    return 'cancelling';
  }
  refuse(job, job.status === 'running' ? 'cancelled while the files are being removed' : 'cancelled');
}

async function pause(tx: Tx, job: JobRow) {
  if (!jobKindOf(job.kind).pausable) throw new ConflictError(`A ${job.kind} job cannot be paused.`);
  if (job.controlRequest === 'cancel') throw new ConflictError('This job is being cancelled.');
  if (job.status === 'queued') {
    await transition(tx, job, { status: 'paused', runAfter: null }, 'Paused on request before its next attempt.');
    return 'paused' as const;
  }
  if (job.status !== 'running') refuse(job, 'paused');
  await transition(tx, job, { controlRequest: 'pause' }, 'Pause requested.');
  return 'pausing' as const;
}

async function resume(tx: Tx, job: JobRow) {
  if (job.status !== 'paused') refuse(job, 'resumed');
  await transition(tx, job, { status: 'queued', controlRequest: null, runAfter: null }, 'Resumed on request.');
  return 'queued' as const;
}

/** The kind says who may control its jobs; by default, those who manage the infrastructure. */
async function authorizeControl(jobId: string, user: UserContext, note: NoteTarget) {
  const job = await requireJob(getDb(), jobId);
  const kind = jobKindOf(job.kind);
  if (kind.authorizeControl) return kind.authorizeControl(job, user, note);
  note({ targetId: job.id, dataCenterId: job.dataCenterId ?? undefined });
  authorize(user, 'infrastructure.manage', {});
}

/** One operation per control: authorize, decide in one transaction, wake the runner. */
function jobControl<S extends string>(name: string, decide: (tx: Tx, job: JobRow) => Promise<S>) {
  return defineOperation({
    name,
    targetType: 'job',
    input: z.object({ jobId: id }),
    authorize: (input, user, note) => authorizeControl(input.jobId, user, note),
    run: async ({ jobId }) => {
      const status = await getDb().transaction(async (tx) => decide(tx, await requireJob(tx, jobId)), {
        behavior: 'immediate',
      });
      wakeJobRunners();
      return { jobId, status };
    },
  });
}

/**
 * Retry: a failed or cancelled job is done again as a new job (the old one keeps its history), if
 * its kind knows how; the new one is checked as any new one would be.
 */
export const retryJob = defineOperation({
  name: 'job.retry',
  targetType: 'job',
  input: z.object({ jobId: id }),
  authorize: (input, user, note) => authorizeControl(input.jobId, user, note),
  run: async ({ jobId }, user) => {
    const newJobId = await getDb().transaction(async (tx) => {
      const job = await requireJob(tx, jobId);
      if (job.status !== 'failed' && job.status !== 'cancelled') refuse(job, 'retried');
      const retry = jobKindOf(job.kind).retry;
      if (!retry) throw new ConflictError(`A ${job.kind} job cannot be retried.`);
      const retried = await retry(tx, job, user.id);
      await tx
        .insert(jobEvents)
        .values({ jobId: job.id, at: now(), level: 'info', message: `Retried as job ${retried}.` });
      return retried;
    });
    wakeJobRunners();
    return { jobId: newJobId, retriedJobId: jobId };
  },
  audited: (result) => ({ details: { newJobId: result.jobId } }),
});

/** Whether the page should offer Retry: the job ended badly, its kind can redo it, and the user may. */
export async function mayRetryJob(user: UserContext, job: JobRow): Promise<boolean> {
  if ((job.status !== 'failed' && job.status !== 'cancelled') || !jobKindOf(job.kind).retry) return false;
  try {
    await authorizeControl(job.id, user, () => {});
    return true;
  } catch (err) {
    if (err instanceof ForbiddenError) return false;
    throw err;
  }
}

export const cancelJob = jobControl('job.cancel', (tx, job) => requestJobCancel(tx, job.id));
export const pauseJob = jobControl('job.pause', pause);
export const resumeJob = jobControl('job.resume', resume);
