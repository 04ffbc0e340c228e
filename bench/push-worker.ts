/**
 * One push install, run by bench/push.ts in a process of its own so that the memory measured is
 * the install engine's and nothing else's: this process queues the install through the portal's
 * own operation, its job runner carries it out (connect, preflight, SFTP push, node-side verify,
 * commit), and it reports on stdout, as one JSON line:
 *
 *   transferSeconds  "Phase transfer" event to "Phase verify" event: the SFTP push alone
 *   totalSeconds     the job's startedAt to finishedAt: connect, preflight, transfer, verify, commit
 *   peakRssMb        the larger of the RSS sampled every 50 ms and the kernel's maxRSS for the process
 *   transferCpuPercent  this process's CPU time (user + system) during the transfer, per wall second
 *   wireBytes        bytes this process wrote (/proc/self/io wchar) during the install: the SSH stream
 *
 * Usage (PORTAL_DATA_DIR and the rest of the environment set by bench/lib/portal.ts):
 *   node --conditions=react-server --import tsx bench/push-worker.ts <userId> <imageId> <nodeId>
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const MiB = 1024 * 1024;
const SAMPLE_MS = 50;

async function main() {
  const [userId, imageId, nodeId] = process.argv.slice(2);
  if (!userId || !imageId || !nodeId) throw new Error('usage: push-worker.ts <userId> <imageId> <nodeId>');

  // Imported only now: the portal's modules read the environment bench/lib/portal.ts prepared.
  const { asc, eq } = await import('drizzle-orm');
  const { runOperation } = await import('../lib/actions/operation');
  const { getUserContext } = await import('../lib/auth/users');
  const { closeAllDatabases, getDb } = await import('../lib/db/client');
  const { jobEvents, jobs } = await import('../lib/db/schema');
  const { installImage } = await import('../lib/install/operations');
  const { getJobRunner } = await import('../lib/jobs/runner');

  const user = getUserContext(userId);
  if (!user) throw new Error(`No user ${userId}`);
  const db = getDb();

  const baselineRssMb = process.memoryUsage().rss / MiB;
  let sampledPeak = baselineRssMb;
  // Set once the install is queued; the sampler reads it from then on.
  const watched: { jobId?: string } = {};
  let phase: string | null = null;
  // CPU time at the moment the transfer phase started and ended, as seen by the sampler.
  const transferCpu: { start?: NodeJS.CpuUsage & { t: number }; end?: NodeJS.CpuUsage & { t: number } } = {};
  const sample = () => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss / MiB);
    if (!watched.jobId) return;
    const now = db.select({ phase: jobs.phase }).from(jobs).where(eq(jobs.id, watched.jobId)).get()?.phase ?? null;
    if (now === phase) return;
    if (now === 'transfer') transferCpu.start = { ...process.cpuUsage(), t: performance.now() };
    if (phase === 'transfer') transferCpu.end = { ...process.cpuUsage(), t: performance.now() };
    phase = now;
  };
  const sampler = setInterval(sample, SAMPLE_MS);

  const wcharBefore = bytesWritten();
  const startedAt = performance.now();
  const queued = await runOperation(installImage, { imageId, nodeId }, user);
  if (!queued.ok) throw new Error(`installImage refused: ${queued.error}`);
  const jobId = (watched.jobId = queued.data.jobId);
  await getJobRunner().waitFor(jobId);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const wcharAfter = bytesWritten();
  sample();
  clearInterval(sampler);

  const job = db.select().from(jobs).where(eq(jobs.id, jobId)).get()!;
  const events = db.select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).orderBy(asc(jobEvents.id)).all();
  const at = (prefix: string) => events.find((e) => e.message.startsWith(prefix))?.at.getTime();
  const transferStart = at('Phase transfer');
  const verifyStart = at('Phase verify');
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const cpu =
    transferCpu.start && transferCpu.end
      ? ((transferCpu.end.user - transferCpu.start.user + transferCpu.end.system - transferCpu.start.system) /
          1000 /
          (transferCpu.end.t - transferCpu.start.t)) *
        100
      : null;

  const report = {
    jobId,
    status: job.status,
    error: job.error,
    attempts: job.attempt,
    bytes: job.bytesTransferred,
    wireBytes: wcharBefore === null || wcharAfter === null ? null : wcharAfter - wcharBefore,
    transferSeconds:
      transferStart !== undefined && verifyStart !== undefined ? (verifyStart - transferStart) / 1000 : null,
    totalSeconds: job.startedAt && job.finishedAt ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000 : null,
    wallSeconds,
    baselineRssMb,
    sampledPeakRssMb: sampledPeak,
    maxRssMb,
    peakRssMb: Math.max(sampledPeak, maxRssMb),
    transferCpuPercent: cpu,
    events: events.map((e) => ({ at: e.at.toISOString(), level: e.level, message: e.message })),
  };
  closeAllDatabases();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Bytes this process handed to write(2) so far (/proc/self/io wchar), almost all of it the SSH stream. */
function bytesWritten(): number | null {
  try {
    return Number(/^wchar:\s*(\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[bench push-worker]', err);
    process.exit(1);
  },
);
