import 'server-only';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { isJobActive } from '@/lib/db/enums';
import { errorMessage } from '@/lib/errors';
import { formatDuration } from '@/lib/format';
import { claimNextJob, reclaimExpiredJobs, releaseJobs, renewLeases } from './claims';
import { JobContext } from './context';
import { jobOwnerId } from './owner';
import { jobKindOf } from './registry';
import { boundDataCenterIds, registerRunner, renewRunner, unregisterRunner, type RunnerRole } from './runners';
import { finishJob, getJobStatus, markPaused, nextRetryAt, scheduleRetry } from './rows';
import { announceJobChange, listenForJobChanges } from './wakeups';

// Backoff never waits longer than this between two attempts.
const MAX_RETRY_DELAY_MS = 10 * 60_000;

/** How often a runner looks for jobs other processes queued, besides its heartbeat. */
const POLL_MS = 1000;

/**
 * Runs queued jobs inside this process, within the configured limits: PORTAL_PROCESS_JOBS_MAX
 * here, and PORTAL_JOBS_MAX in all and PORTAL_JOBS_MAX_PER_NODE on one node across every process
 * sharing the database. Jobs are rows first: the runner only claims them (lib/jobs/claims.ts), so a
 * restart loses nothing that was queued, and web processes and workers (lib/jobs/worker.ts) share
 * the work without running a job twice. A web process with PORTAL_RUN_JOBS=false only queues.
 */
export class JobRunner {
  private readonly active = new Map<string, { ctx: JobContext; done: Promise<void> }>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  private boundTo: string[] = [];
  private starting = false;
  private stopping = false;
  /** The claims under way, one pass at a time: a kick meanwhile asks for one more pass. */
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private beating = false;

  /**
   * Registers this process as a runner (lib/jobs/runners.ts) and starts the heartbeat: renew this
   * process's leases, take over jobs whose owner died, and pick up jobs other processes queued.
   * Until then the runner only runs what this process queues itself.
   */
  async start(role: RunnerRole = 'web'): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    this.boundTo = await boundDataCenterIds();
    await registerRunner(role, this.boundTo);
    this.heartbeat = setInterval(() => void this.beat(), Math.max(250, getConfig().jobsLeaseMs / 3));
    this.heartbeat.unref();
    this.poll = setInterval(() => this.kick(), POLL_MS);
    this.poll.unref();
    this.stopListening = listenForJobChanges(() => this.kick());
    await this.beat();
  }

  /** Stops looking for work; what runs goes on (tests, and the first step of `shutdown`). */
  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.poll);
    this.stopListening?.();
    this.heartbeat = undefined;
    this.poll = undefined;
    this.stopListening = undefined;
    this.starting = false;
  }

  /**
   * A clean stop (SIGTERM to a worker): claims nothing more, stops the running attempts at once and
   * queues their jobs again for another runner, which resumes each from what its attempt left (the
   * `.part` on the node). No attempt is used up, and nobody waits for a lease to expire.
   */
  async shutdown(): Promise<number> {
    this.stopping = true;
    this.stop();
    await this.claiming;
    const handedBack = [...this.active.entries()];
    for (const [, { ctx }] of handedBack) ctx.handBack();
    await this.waitForIdle();
    const released = await releaseJobs(handedBack.map(([jobId]) => jobId));
    if (released > 0) announceJobChange();
    await unregisterRunner();
    return released;
  }

  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await renewRunner();
      await this.renewLeases();
      const reclaimed = await reclaimExpiredJobs();
      if (reclaimed > 0) {
        console.log(`[portal] Took over ${reclaimed} job(s) whose portal process stopped; they resume.`);
        announceJobChange();
      }
    } catch (err) {
      console.error('[portal] job heartbeat failed:', err);
    } finally {
      this.beating = false;
    }
    this.kick();
  }

  /** A job this process runs but no longer owns was taken over elsewhere: its attempt stops quietly. */
  private async renewLeases(): Promise<void> {
    // Only the jobs asked about: one claimed while the renewal was on its way was not in it, and
    // its fresh lease is not lost. A closed attempt was finished by this process, not taken over.
    const asked = [...this.active.entries()];
    const held = await renewLeases(asked.map(([jobId]) => jobId));
    for (const [jobId, { ctx }] of asked) {
      if (!held.has(jobId) && !ctx.isClosed) {
        console.warn(`[portal] Lost the lease on job ${jobId} to another process; stopping this attempt.`);
        ctx.loseLease();
      }
    }
  }

  /**
   * Starts every queued job that the limits allow. Cheap; call it whenever something changed.
   * A web process that leaves jobs to workers (PORTAL_RUN_JOBS=false) starts none.
   */
  kick(): void {
    if (this.stopping || (!this.starting && !getConfig().runJobs)) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.startEligible()
      .then(() => this.wakeForNextRetry())
      .catch((err) => console.error('[portal] job runner could not start jobs:', err))
      .finally(() => {
        this.claiming = null;
        if (this.claimAgain) {
          this.claimAgain = false;
          this.kick();
        }
      });
  }

  /** Retries waiting out their backoff need a kick when it ends, even if nothing else happens. */
  private async wakeForNextRetry(): Promise<void> {
    const at = await nextRetryAt();
    clearTimeout(this.wakeTimer);
    if (!at) return;
    this.wakeTimer = setTimeout(() => this.kick(), Math.max(0, at.getTime() - Date.now()) + 10);
    this.wakeTimer.unref();
  }

  private async startEligible(): Promise<void> {
    while (this.active.size < getConfig().processJobsMax && !this.stopping) {
      const job = await claimNextJob(this.boundTo);
      if (!job) return;
      const ctx = await JobContext.open(job);
      const done = this.execute(ctx)
        .catch((err) => console.error(`[portal] job ${job.id} could not be recorded as finished:`, err))
        .finally(() => {
          this.active.delete(job.id);
          // Its place under the limits is free, here and for the other processes.
          this.kick();
          announceJobChange();
        });
      this.active.set(job.id, { ctx, done });
    }
  }

  private async execute(ctx: JobContext): Promise<void> {
    const job = ctx.job;
    const kind = jobKindOf(job.kind);
    let settled: boolean;
    try {
      ctx.log('info', `Started (attempt ${job.attempt} of ${job.maxAttempts}) in ${jobOwnerId()}.`);
      const result = await kind.start(ctx, job.params);
      if (ctx.leaseLost) return await ctx.close();
      ctx.log('info', 'Succeeded.');
      // The log, its last line included, is written before the job's end.
      await ctx.close();
      settled = await finishJob(job.id, { status: 'succeeded', result: result ?? undefined });
    } catch (err) {
      settled = await settleFailedAttempt(ctx, err);
    }
    if (!settled || !kind.onSettled) return;
    // Awaited, so a job counts as done once what follows it is done too; the runner's kick after
    // this job ends starts whatever the hook queued.
    try {
      await kind.onSettled(job);
    } catch (err) {
      console.error(`[portal] what follows the end of ${job.kind} job ${job.id} could not run:`, err);
    }
  }

  /** Resolves once the job has finished (or was never queued); for tests and scripts. */
  async waitFor(jobId: string): Promise<void> {
    for (;;) {
      const running = this.active.get(jobId);
      if (running) await running.done;
      else if (!isJobActive(await getJobStatus(jobId))) return;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async waitForIdle(): Promise<void> {
    await this.claiming;
    while (this.active.size > 0) {
      await Promise.allSettled([...this.active.values()].map((a) => a.done));
      await this.claiming;
    }
  }
}

/**
 * Records how an attempt that threw ends, as JobContext.outcomeOf decides. True when the job has
 * ended for good (failed or cancelled) and this process recorded it. The log, its last line
 * included, is written before the job's new status.
 */
async function settleFailedAttempt(ctx: JobContext, err: unknown): Promise<boolean> {
  const record = logFailedAttempt(ctx, err);
  await ctx.close();
  return record();
}

/** Logs how the attempt ends, and returns the write that records it. */
function logFailedAttempt(ctx: JobContext, err: unknown): () => Promise<boolean> {
  const { id, attempt, maxAttempts } = ctx.job;
  const message = errorMessage(err);
  switch (ctx.outcomeOf(err)) {
    case 'abandon':
      return async () => false; // the new owner records what happens to the job
    case 'cancel':
      ctx.log('warn', 'Cancelled on request.');
      return () => finishJob(id, { status: 'cancelled' });
    case 'pause':
      ctx.log(
        'info',
        'Paused on request; the partial transfer stays on the node until the job is resumed or cancelled.',
      );
      return async () => {
        await markPaused(id);
        return false;
      };
    case 'retry': {
      const { jobsRetryDelayMs } = getConfig();
      const delay = Math.min(jobsRetryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
      ctx.log(
        'warn',
        `${message} Retrying in ${formatDuration(delay / 1000)} (attempt ${attempt + 1} of ${maxAttempts}); it resumes where it stopped.`,
      );
      return async () => {
        await scheduleRetry(id, new Date(now().getTime() + delay), message);
        return false;
      };
    }
    case 'fail':
      ctx.log('error', message);
      return () => finishJob(id, { status: 'failed', error: message });
  }
}

// One runner per process, even though Next.js loads this module once per bundle.
const globalForRunner = globalThis as unknown as { __portalJobRunner?: JobRunner };

export function getJobRunner(): JobRunner {
  return (globalForRunner.__portalJobRunner ??= new JobRunner());
}

/**
 * After a commit that queued a job or let one go on: this process's runner looks at once, and so
 * do the runners of the other processes (lib/jobs/wakeups.ts).
 */
export function wakeJobRunners(): void {
  getJobRunner().kick();
  announceJobChange();
}
