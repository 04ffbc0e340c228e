/** Push installs in a process of their own (bench/push-worker.ts), so its memory and CPU are the engine's alone. */
import path from 'node:path';
import { runCommand } from './processes';
import { PORTAL_NODE_FLAGS } from '../../scripts/lib/portal-process';

/** One install as bench/push-worker.ts reports it. */
export type PushJob = {
  jobId: string;
  status: string;
  error: string | null;
  attempts: number;
  bytes: number;
  transferSeconds: number | null;
  totalSeconds: number | null;
  hashed: boolean;
  events: Array<{ at: string; level: string; message: string }>;
};

/** What bench/push-worker.ts reports on its last stdout line. */
export type WorkerReport = {
  jobs: PushJob[];
  wireBytes: number | null;
  wallSeconds: number;
  baselineRssMb: number;
  sampledPeakRssMb: number;
  maxRssMb: number;
  peakRssMb: number;
  transferCpuSeconds: number | null;
  transferMainThreadCpuSeconds: number | null;
  transferCpuPercent: number | null;
  gc: { collections: number; majorCollections: number; pauseMs: number };
};

/** Installs the image on every node at once in a fresh process; fails unless every install succeeded. */
export async function pushInChild(userId: string, imageId: string, nodeIds: string[]): Promise<WorkerReport> {
  const worker = path.join(__dirname, '..', 'push-worker.ts');
  // BENCH_PUSH_NODE_ARGS adds node options for the worker alone, e.g. `--cpu-prof --cpu-prof-dir=DIR`
  // to profile the engine (node refuses --cpu-prof in NODE_OPTIONS).
  const extra = (process.env.BENCH_PUSH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const result = await runCommand(
    process.execPath,
    [
      ...PORTAL_NODE_FLAGS,
      ...extra,
      '--conditions=react-server',
      '--import',
      'tsx',
      worker,
      userId,
      imageId,
      ...nodeIds,
    ],
    { passStderr: true },
  );
  if (result.code !== 0) throw new Error(`The push worker exited ${result.code}.`);
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as WorkerReport;
  for (const job of report.jobs) {
    if (job.status !== 'succeeded' || job.transferSeconds === null) {
      throw new Error(
        `The push install did not succeed (${job.status}): ${job.error}\n${job.events.map((e) => `  ${e.at} ${e.level} ${e.message}`).join('\n')}`,
      );
    }
  }
  return report;
}
