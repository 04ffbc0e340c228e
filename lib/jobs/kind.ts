import type { z } from 'zod';
import type { UserContext } from '@/lib/auth/policy';
import type { Tx } from '@/lib/db/client';
import type { JobKind } from '@/lib/db/enums';
import { ValidationError } from '@/lib/errors';
import type { JobContext } from './context';
import type { JobRow } from './rows';

/** What a job-control operation tells the audit log about the job's target. */
export type NoteTarget = (facts: { targetId: string; dataCenterId?: string }) => void;

type JobResult = Record<string, unknown> | void;

/** What the runner and the job controls may know of a kind: never the domain behind it. */
type JobKindTraits<K extends JobKind> = {
  kind: K;
  /** Whether a running attempt may be cancelled (a queued or paused job always may be). */
  cancellable: boolean;
  /** Whether a running attempt may be paused, keeping its partial work until it is resumed. */
  pausable: boolean;
  /** Who may cancel, pause or resume it; throws ForbiddenError. Without it, those who manage infrastructure. */
  authorizeControl?: (job: JobRow, user: UserContext, note: NoteTarget) => void | Promise<void>;
  /** Runs once the job has ended for good (succeeded, failed or cancelled by its runner). */
  onSettled?: (job: JobRow) => Promise<unknown>;
  /** Undoes, inside the cancel's transaction, what queueing the job claimed, when it is cancelled before its first attempt. */
  onCancelledBeforeStart?: (tx: Tx, job: JobRow) => Promise<void>;
  /**
   * Queues a new job that does again what this failed or cancelled one was to do, checked as a new
   * one would be; returns its id. Without it, the kind cannot be retried.
   */
  retry?: (tx: Tx, job: JobRow, userId: string) => Promise<string>;
};

/**
 * One kind of durable job, declared by the domain that runs it, next to its code. `params` says
 * what the job row's parameters hold; they are parsed before every attempt, never cast.
 */
export type JobKindSpec<K extends JobKind, P> = JobKindTraits<K> & {
  params: z.ZodType<P>;
  /** One attempt. It throws to fail, retry or stop (lib/jobs/context.ts decides which); its value is the job's result. */
  run: (ctx: JobContext, params: P) => Promise<JobResult>;
};

/** A kind as the runner holds it: `start` parses the row's parameters, then runs the attempt. */
export type JobKindDefinition<K extends JobKind = JobKind> = JobKindTraits<K> & {
  start: (ctx: JobContext, rawParams: unknown) => Promise<JobResult>;
};

export function defineJobKind<K extends JobKind, P>(spec: JobKindSpec<K, P>): JobKindDefinition<K> {
  const { params, run, ...traits } = spec;
  return {
    ...traits,
    start: (ctx, rawParams) => {
      const parsed = params.safeParse(rawParams);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
        throw new ValidationError(`This job's parameters are not what a ${spec.kind} job takes (${problems}).`);
      }
      return run(ctx, parsed.data);
    },
  };
}
