import 'server-only';
import { getConfig } from '@/lib/config';
import { isJobActive, type JobKind } from '@/lib/db/enums';
import { errorMessage } from '@/lib/errors';
import { runInstallJob } from '@/lib/install/pipeline';
import { JobContext } from './context';
import { claimJob, finishJob, getJobStatus, listQueuedJobs, type JobRow } from './store';

export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

const HANDLERS: Partial<Record<JobKind, JobHandler>> = {
  install: runInstallJob,
};

/**
 * Runs queued jobs inside the portal process, within the configured limits (overall and per node).
 * Jobs are rows first: the runner only claims them, so a restart loses nothing that was queued.
 */
export class JobRunner {
  private readonly active = new Map<string, { nodeId: string | null; done: Promise<void> }>();

  /** Starts every queued job that the limits allow. Cheap; call it whenever something changed. */
  kick(): void {
    try {
      this.startEligible();
    } catch (err) {
      console.error('[portal] job runner could not start jobs:', err);
    }
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
      ctx.log('info', `Started (attempt ${job.attempt + 1}).`);
      const result = await handler(ctx);
      ctx.close();
      ctx.log('info', 'Succeeded.');
      finishJob(job.id, { status: 'succeeded', result: result ?? undefined });
    } catch (err) {
      ctx.close();
      const message = errorMessage(err);
      ctx.log('error', message);
      finishJob(job.id, { status: 'failed', error: message });
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

// One runner per process, even though Next.js loads this module once per bundle.
const globalForRunner = globalThis as unknown as { __portalJobRunner?: JobRunner };

export function getJobRunner(): JobRunner {
  return (globalForRunner.__portalJobRunner ??= new JobRunner());
}
