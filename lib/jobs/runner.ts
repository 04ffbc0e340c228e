import 'server-only';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { isJobActive, type JobKind } from '@/lib/db/enums';
import { errorMessage } from '@/lib/errors';
import { continuePurge } from '@/lib/images/purge-completion';
import { runImportJob } from '@/lib/imgapi/import-job';
import { runInstallJob } from '@/lib/install/pipeline';
import { runUninstallJob } from '@/lib/install/uninstall';
import { runSyncImagesJob } from '@/lib/sync/images-job';
import { runSyncSizesJob } from '@/lib/sync/sizes-job';
import { formatDuration } from '@/lib/format';
import { JobContext } from './context';
import { claimJob, finishJob, getJobStatus, listQueuedJobs, markPaused, nextRetryAt, scheduleRetry, type JobRow } from './store';

// Backoff never waits longer than this between two attempts.
const MAX_RETRY_DELAY_MS = 10 * 60_000;

export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

const HANDLERS: Partial<Record<JobKind, JobHandler>> = {
  install: runInstallJob,
  uninstall: runUninstallJob,
  'sync-images': runSyncImagesJob,
  'sync-sizes': runSyncSizesJob,
  import: runImportJob,
};

/**
 * Runs queued jobs inside the portal process, within the configured limits (overall and per node).
 * Jobs are rows first: the runner only claims them, so a restart loses nothing that was queued.
 */
export class JobRunner {
  private readonly active = new Map<string, { nodeId: string | null; done: Promise<void> }>();
  private wakeTimer: NodeJS.Timeout | undefined;

  /** Starts every queued job that the limits allow. Cheap; call it whenever something changed. */
  kick(): void {
    try {
      this.startEligible();
      this.wakeForNextRetry();
    } catch (err) {
      console.error('[portal] job runner could not start jobs:', err);
    }
  }

  /** Retries waiting out their backoff need a kick when it ends, even if nothing else happens. */
  private wakeForNextRetry(): void {
    clearTimeout(this.wakeTimer);
    const at = nextRetryAt();
    if (!at) return;
    this.wakeTimer = setTimeout(() => this.kick(), Math.max(0, at.getTime() - Date.now()) + 10);
    this.wakeTimer.unref();
  }

  private startEligible(): void {
    const { jobsMax, jobsMaxPerNode } = getConfig();
    for (const job of listQueuedJobs()) {
      if (this.active.size >= jobsMax) return;
      const onNode = [...this.active.values()].filter((a) => job.nodeId && a.nodeId === job.nodeId).length;
      if (onNode >= jobsMaxPerNode || !claimJob(job)) continue;
      const done = this.execute(job)
        .catch((err) => console.error(`[portal] job ${job.id} could not be recorded as finished:`, err))
        .finally(() => {
          this.active.delete(job.id);
          this.kick();
        });
      this.active.set(job.id, { nodeId: job.nodeId, done });
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const ctx = new JobContext({ ...job, attempt: job.attempt + 1, status: 'running' });
    const handler = HANDLERS[job.kind];
    try {
      if (!handler) throw new Error(`No handler for ${job.kind} jobs in this version of the portal.`);
      ctx.log('info', `Started (attempt ${ctx.job.attempt} of ${job.maxAttempts}).`);
      const result = await handler(ctx);
      ctx.close();
      ctx.log('info', 'Succeeded.');
      finishJob(job.id, { status: 'succeeded', result: result ?? undefined });
    } catch (err) {
      ctx.close();
      settleFailedAttempt(ctx, err);
    }
    // The runner's kick after this job ends starts whatever this queued.
    try {
      continuePurge(job);
    } catch (err) {
      console.error(`[portal] permanent delete of image ${job.imageId} could not continue:`, err);
    }
  }

  /** Resolves once the job has finished (or was never queued); for tests and scripts. */
  async waitFor(jobId: string): Promise<void> {
    for (;;) {
      const running = this.active.get(jobId);
      if (running) await running.done;
      else if (!isJobActive(getJobStatus(jobId))) return;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async waitForIdle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }
}

/** Records how an attempt that threw ends, as JobContext.outcomeOf decides. */
function settleFailedAttempt(ctx: JobContext, err: unknown): void {
  const { id, attempt, maxAttempts } = ctx.job;
  const message = errorMessage(err);
  switch (ctx.outcomeOf(err)) {
    case 'cancel':
      ctx.log('warn', 'Cancelled on request.');
      return finishJob(id, { status: 'cancelled' });
    case 'pause':
      ctx.log('info', 'Paused on request; the partial transfer stays on the node until the job is resumed or cancelled.');
      return markPaused(id);
    case 'retry': {
      const { jobsRetryDelayMs } = getConfig();
      const delay = Math.min(jobsRetryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
      ctx.log('warn', `${message} Retrying in ${formatDuration(delay / 1000)} (attempt ${attempt + 1} of ${maxAttempts}); it resumes where it stopped.`);
      return scheduleRetry(id, new Date(now().getTime() + delay), message);
    }
    case 'fail':
      ctx.log('error', message);
      return finishJob(id, { status: 'failed', error: message });
  }
}

// One runner per process, even though Next.js loads this module once per bundle.
const globalForRunner = globalThis as unknown as { __portalJobRunner?: JobRunner };

export function getJobRunner(): JobRunner {
  return (globalForRunner.__portalJobRunner ??= new JobRunner());
}
