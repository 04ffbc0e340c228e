import 'server-only';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { jobEvents, jobs, nodeImages } from '@/lib/db/schema';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { loadInstallTargets } from '@/lib/install/node-images';
import { id } from '@/lib/validation';
import { getJobRunner } from './runner';
import type { JobRow } from './store';

/**
 * Cancel, pause and resume (issue: "a running job can be cancelled from its page … It can also be
 * paused, keeping the .part, and resumed later"). A running job is only asked to stop: the runner
 * sees the request within a second and ends the attempt at a clean boundary.
 */

const jobControlSchema = z.object({ jobId: id });

function loadJob(jobId: string): JobRow {
  const job = getDb().select().from(jobs).where(eq(jobs.id, jobId)).get();
  if (!job) throw new NotFoundError('The job');
  return job;
}

/** Controlling an install or uninstall takes the right to install that image on that node. */
function authorizeControl(jobId: string, user: UserContext, note: (facts: { targetId: string; dataCenterId?: string }) => void) {
  const job = loadJob(jobId);
  note({ targetId: job.id, dataCenterId: job.dataCenterId ?? undefined });
  if (job.kind !== 'install' && job.kind !== 'uninstall') return authorize(user, 'infrastructure.manage', {});
  const { node, imageAttached } = loadInstallTargets(job.imageId, job.nodeId);
  authorize(user, 'node.install', { dataCenterId: node.dataCenterId, imageAttached });
}

/** Changes the job only if it is still in `from`: the runner may have moved it meanwhile. */
function transition(jobId: string, from: JobRow['status'], set: Partial<typeof jobs.$inferInsert>, message: string): boolean {
  return getDb().transaction((tx) => {
    const at = now();
    const changed = tx.update(jobs).set({ ...set, updatedAt: at }).where(and(eq(jobs.id, jobId), eq(jobs.status, from))).run().changes === 1;
    if (changed) tx.insert(jobEvents).values({ jobId, at, level: 'info', message }).run();
    return changed;
  });
}

function refuse(job: JobRow, what: string): never {
  throw new ConflictError(`This job is ${job.status}, so it cannot be ${what}.`);
}

/**
 * Cancels a job, or asks its runner to. Exported for Image Availability, whose unchecking a node
 * with an install under way means the same.
 */
export function requestJobCancel(jobId: string, reason = 'Cancel requested.'): 'cancelled' | 'cancelling' {
  const job = loadJob(jobId);
  // Nothing reached the node yet: the job simply ends, and so does its claim on the node image.
  if (job.status === 'queued' && job.attempt === 0) {
    if (transition(jobId, 'queued', { status: 'cancelled', finishedAt: now() }, `${reason} It had not started.`)) {
      forgetNodeImage(job);
      return 'cancelled';
    }
  }
  const current = loadJob(jobId);
  if (current.kind === 'uninstall' && current.status === 'running') refuse(current, 'cancelled while the files are being removed');
  // A paused job or a retry in backoff has a .part on the node: the runner takes it once more to remove it.
  for (const from of ['paused', 'queued'] as const) {
    if (current.status === from && transition(jobId, from, { status: 'queued', controlRequest: 'cancel', runAfter: null }, `${reason} The partial transfer will be removed from the node.`)) {
      getJobRunner().kick();
      return 'cancelling';
    }
  }
  if (current.status === 'running' && transition(jobId, 'running', { controlRequest: 'cancel' }, reason)) return 'cancelling';
  refuse(loadJob(jobId), 'cancelled');
}

export const cancelJob = defineOperation({
  name: 'job.cancel',
  targetType: 'job',
  input: jobControlSchema,
  authorize: (input, user, note) => authorizeControl(input.jobId, user, note),
  run: ({ jobId }) => ({ jobId, status: requestJobCancel(jobId) }),
});

export const pauseJob = defineOperation({
  name: 'job.pause',
  targetType: 'job',
  input: jobControlSchema,
  authorize: (input, user, note) => authorizeControl(input.jobId, user, note),
  run: ({ jobId }) => {
    const job = loadJob(jobId);
    if (job.kind !== 'install') throw new ConflictError('Only installs can be paused.');
    if (job.controlRequest === 'cancel') throw new ConflictError('This job is being cancelled.');
    if (job.status === 'queued' && transition(jobId, 'queued', { status: 'paused', runAfter: null }, 'Paused on request before its next attempt.')) {
      return { jobId, status: 'paused' as const };
    }
    if (job.status === 'running' && transition(jobId, 'running', { controlRequest: 'pause' }, 'Pause requested.')) {
      return { jobId, status: 'pausing' as const };
    }
    refuse(loadJob(jobId), 'paused');
  },
});

export const resumeJob = defineOperation({
  name: 'job.resume',
  targetType: 'job',
  input: jobControlSchema,
  authorize: (input, user, note) => authorizeControl(input.jobId, user, note),
  run: ({ jobId }) => {
    if (!transition(jobId, 'paused', { status: 'queued', controlRequest: null, runAfter: null }, 'Resumed on request.')) {
      refuse(loadJob(jobId), 'resumed');
    }
    getJobRunner().kick();
    return { jobId, status: 'queued' as const };
  },
});

/** The row an install claimed when it was queued goes with it; an uninstall leaves the file unavailable. */
function forgetNodeImage(job: JobRow): void {
  if (!job.nodeId || !job.imageId) return;
  const row = and(eq(nodeImages.nodeId, job.nodeId), eq(nodeImages.imageId, job.imageId), eq(nodeImages.lastJobId, job.id));
  if (job.kind === 'install') getDb().delete(nodeImages).where(row).run();
  else getDb().update(nodeImages).set({ state: 'installed', available: false, updatedAt: now() }).where(row).run();
}
