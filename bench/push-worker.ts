import { firstRow } from '@/lib/db/client';
/**
 * Push installs, run by bench/push.ts and bench/push8.ts in a process of their own so that the
 * memory and CPU measured are the install engine's and nothing else's: this process queues an
 * install on each node given through the portal's own operation, all at once, its job runner
 * carries them out (connect, preflight, SFTP push, node-side verify, commit), and it reports on
 * stdout, as one JSON line:
 *
 *   jobs[].transferSeconds  "Phase transfer" event to "Phase verify" event: the SFTP push alone
 *   jobs[].totalSeconds     the job's startedAt to finishedAt: connect, preflight, transfer, verify, commit
 *   jobs[].hashed           whether the portal hashed the store file as it sent it (lib/store/trusted-hashes.ts)
 *   peakRssMb               the larger of the RSS sampled every 50 ms and the kernel's maxRSS for the process
 *   transferCpuSeconds      this process's CPU time (user + system, every thread) from the first
 *                           transfer's start to the last one's end; transferCpuPercent per wall second
 *   gc                      V8's collections in that time: count and pause on the main thread
 *   wireBytes               bytes this process wrote (/proc/self/io wchar) during the installs: the SSH streams
 *
 * Usage (PORTAL_DATA_DIR and the rest of the environment set by bench/lib/portal.ts):
 *   node --conditions=react-server --import tsx bench/push-worker.ts <userId> <imageId> <nodeId>...
 */
import fs from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';

const MiB = 1024 * 1024;
const SAMPLE_MS = 50;

async function main() {
  const [userId, imageId, ...nodeIds] = process.argv.slice(2);
  if (!userId || !imageId || nodeIds.length === 0)
    throw new Error('usage: push-worker.ts <userId> <imageId> <nodeId>...');

  // Imported only now: the portal's modules read the environment bench/lib/portal.ts prepared.
  const { asc, eq, inArray } = await import('drizzle-orm');
  const { runOperation } = await import('../lib/actions/operation');
  const { getUserContext } = await import('../lib/auth/users');
  const { closeAllDatabases, getDb } = await import('../lib/db/client');
  const { jobEvents, jobs } = await import('../lib/db/schema');
  const { installImage } = await import('../lib/install/operations');
  const { getJobRunner } = await import('../lib/jobs/runner');

  const user = await getUserContext(userId);
  if (!user) throw new Error(`No user ${userId}`);
  const db = getDb();

  const baselineRssMb = process.memoryUsage().rss / MiB;
  let sampledPeak = baselineRssMb;
  const jobIds: string[] = [];
  // CPU time when the first transfer started and when the last one ended, as seen by the sampler.
  const transferCpu: { start?: NodeJS.CpuUsage & { t: number }; end?: NodeJS.CpuUsage & { t: number } } = {};
  const inTransfer = new Set<string>();
  const mainCpu: { start?: number | null; end?: number | null } = {};
  const sample = async () => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss / MiB);
    if (jobIds.length === 0) return;
    const rows = await db.select({ id: jobs.id, phase: jobs.phase }).from(jobs).where(inArray(jobs.id, jobIds));
    for (const row of rows) {
      if (row.phase === 'transfer' && !inTransfer.has(row.id)) {
        if (inTransfer.size === 0 && !transferCpu.start) {
          transferCpu.start = { ...process.cpuUsage(), t: performance.now() };
          mainCpu.start = mainThreadCpuSeconds();
        }
        inTransfer.add(row.id);
      } else if (row.phase !== 'transfer' && inTransfer.delete(row.id) && inTransfer.size === 0) {
        transferCpu.end = { ...process.cpuUsage(), t: performance.now() };
        mainCpu.end = mainThreadCpuSeconds();
      }
    }
  };
  const sampler = setInterval(() => void sample(), SAMPLE_MS);
  // V8's collections, with when they started (the clock of performance.now()): counted below for the transfers.
  const collections: Array<{ at: number; major: boolean; ms: number }> = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // detail.kind: 1 is a scavenge; the rest belong to full (mark-compact) collections.
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      collections.push({ at: entry.startTime, major: kind !== 1, ms: entry.duration });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  const wcharBefore = bytesWritten();
  const startedAt = performance.now();
  for (const nodeId of nodeIds) {
    const queued = await runOperation(installImage, { imageId, nodeId }, user);
    if (!queued.ok) throw new Error(`installImage refused: ${queued.error}`);
    jobIds.push(queued.data.jobId);
  }
  await Promise.all(jobIds.map((id) => getJobRunner().waitFor(id)));
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const wcharAfter = bytesWritten();
  await sample();
  clearInterval(sampler);
  gcObserver.disconnect();

  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const { start, end } = transferCpu;
  const cpuSeconds = start && end ? (end.user - start.user + end.system - start.system) / 1e6 : null;
  const during = collections.filter((c) => start && end && c.at >= start.t && c.at <= end.t);
  const gc = {
    collections: during.length,
    majorCollections: during.filter((c) => c.major).length,
    pauseMs: during.reduce((sum, c) => sum + c.ms, 0),
  };
  const report = {
    jobs: jobIds.map(async (jobId) => {
      const job = (await firstRow(db.select().from(jobs).where(eq(jobs.id, jobId))))!;
      const events = await db.select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).orderBy(asc(jobEvents.id));
      const at = (prefix: string) => events.find((e) => e.message.startsWith(prefix))?.at.getTime();
      const [transferStart, verifyStart] = [at('Phase transfer'), at('Phase verify')];
      return {
        jobId,
        status: job.status,
        error: job.error,
        attempts: job.attempt,
        bytes: job.bytesTransferred,
        transferSeconds:
          transferStart !== undefined && verifyStart !== undefined ? (verifyStart - transferStart) / 1000 : null,
        totalSeconds:
          job.startedAt && job.finishedAt ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000 : null,
        hashed: !events.some((e) => e.message.startsWith('The store file is unchanged since')),
        events: events.map((e) => ({ at: e.at.toISOString(), level: e.level, message: e.message })),
      };
    }),
    wireBytes: wcharBefore === null || wcharAfter === null ? null : wcharAfter - wcharBefore,
    wallSeconds,
    baselineRssMb,
    sampledPeakRssMb: sampledPeak,
    maxRssMb,
    peakRssMb: Math.max(sampledPeak, maxRssMb),
    transferCpuSeconds: cpuSeconds,
    transferMainThreadCpuSeconds: mainCpu.start != null && mainCpu.end != null ? mainCpu.end - mainCpu.start : null,
    transferCpuPercent: cpuSeconds !== null ? (cpuSeconds / ((end!.t - start!.t) / 1000)) * 100 : null,
    gc,
  };
  await closeAllDatabases();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/**
 * The main thread's own CPU time (user + system) so far, from /proc: the thread that runs the SSH
 * protocol, so the one a busy machine starves first. Null where /proc is unavailable.
 */
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    // utime and stime, in USER_HZ (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
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
