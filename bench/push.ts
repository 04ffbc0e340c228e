/**
 * Push vs scp, and the push's memory and CPU (bench/README.md): the portal's SFTP push of the image
 * against OpenSSH's scp of the same file to the same node with the same cipher, the runs
 * interleaved, on a quiet machine and (--busy) with one core kept busy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { keysFor, type Load, type UnderLoad } from './lib/busy';
import { mbps, median, MiB, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { pushInChild, type WorkerReport } from './lib/push-child';
import { runCommand, sync } from './lib/processes';
import { scp, scpAccess, scpSetup, type ScpRun, type ScpTarget } from './lib/scp';

/** This measurement's node (the tests use other loopback addresses). */
export const PUSH_HOST = '127.0.0.60';

const GiB = 1024 * MiB;

type PushRun = WorkerReport & { job: WorkerReport['jobs'][number] };
type Runs = { scp: ScpRun[]; push: PushRun[]; hashing: PushRun[] };

/** The push_* and scp_* keys of the report, and with --busy their *_busy twins; scp keeps its key files in `scpDir`. */
export async function measurePush(
  portal: Portal,
  size: number,
  runs: number,
  scpDir: string,
  loads: Load[],
  under: UnderLoad,
) {
  const { node, nodeId } = portal.nodes[PUSH_HOST]!;
  const cipher = await portal.negotiatedCipher(nodeId);
  log(`The portal negotiates ${cipher} with the node; scp gets the same.`);
  const target = await scpAccess(node, scpDir, cipher);

  // scp copies the store file itself, so both sides read identical bytes from the cache.
  log('Warming the page cache with the image file.');
  await runCommand('sh', ['-c', 'cat "$1" > /dev/null', 'sh', portal.storePath]);
  const setup = await scpSetup(target);

  const byLoad = new Map<Load, Runs>(loads.map((load) => [load, { scp: [], push: [], hashing: [] }]));
  for (let i = 1; i <= runs; i++) {
    for (const load of loads) {
      const r = byLoad.get(load)!;
      // Interleaved, so a slow spell of the machine hits both sides alike. The first push hashes
      // the store file as it sends it, as the first push of a newly stored file does; the second
      // finds it unchanged since and does not (lib/store/trusted-hashes.ts), as every push after.
      await under(load, async () => {
        await portal.forgetStoreFileHash();
        r.hashing.push(await pushRun(portal, size, `${load} push run ${i} (hashing)`));
        r.scp.push(await scpRun(target, portal.storePath, size, setup, `${load} scp run ${i}`));
        r.push.push(await pushRun(portal, size, `${load} push run ${i}`));
      });
    }
  }
  return Object.assign(
    { cipher, scp_setup_seconds: round(setup.wallSeconds), scp_setup_cpu_seconds: round(setup.cpuSeconds) },
    ...loads.map((load) => keysFor(load, figures(size, setup, byLoad.get(load)!))),
  ) as Record<string, unknown>;
}

async function scpRun(target: ScpTarget, storePath: string, size: number, setup: ScpRun, what: string) {
  await sync();
  const scpDest = path.join(target.node.imageDir, 'scp-copy.raw');
  const s = await scp(target, storePath, scpDest);
  fs.rmSync(scpDest, { force: true });
  log(
    `${what}: ${s.wallSeconds.toFixed(2)} s wall, ${mbps(size, s.wallSeconds - setup.wallSeconds).toFixed(0)} MiB/s net of setup, ` +
      `${perGiB(s.cpuSeconds - setup.cpuSeconds, size).toFixed(2)} CPU-s/GiB (scp and ssh; ssh ${perGiB(s.sshCpuSeconds - setup.sshCpuSeconds, size).toFixed(2)}).`,
  );
  return s;
}

async function pushRun(portal: Portal, size: number, what: string): Promise<PushRun> {
  await sync();
  const report = await pushInChild(portal.adminId, portal.imageId, [portal.nodes[PUSH_HOST]!.nodeId]);
  const job = report.jobs[0]!;
  await portal.clearNode(PUSH_HOST);
  log(
    `${what}: transfer ${job.transferSeconds!.toFixed(2)} s (${mbps(size, job.transferSeconds!).toFixed(0)} MiB/s, ` +
      `${perGiB(report.transferCpuSeconds, size)?.toFixed(2) ?? '?'} CPU-s/GiB (main thread ${perGiB(report.transferMainThreadCpuSeconds, size)?.toFixed(2) ?? '?'}), ${job.hashed ? 'hashed' : 'not hashed'}, ` +
      `${report.gc.majorCollections} full GCs), install ${job.totalSeconds?.toFixed(2)} s, peak RSS ${report.peakRssMb.toFixed(0)} MiB.`,
  );
  return { ...report, job };
}

const perGiB = <T extends number | null>(seconds: T, size: number) =>
  (seconds === null ? null : seconds / (size / GiB)) as T;

/** Medians across the runs of one load; scp's fixed setup cost is taken off its wall and CPU time. */
function figures(size: number, setup: ScpRun, { scp: scpRuns, push: pushRuns, hashing }: Runs) {
  const scpWall = median(scpRuns.map((r) => r.wallSeconds));
  const scpNet = Math.max(scpWall - setup.wallSeconds, 1e-6);
  const transfer = (rs: PushRun[]) => median(rs.map((r) => r.job.transferSeconds!));
  const cpuPerGiB = (rs: PushRun[]) => median(rs.map((r) => perGiB(r.transferCpuSeconds ?? NaN, size)));
  const pushTransfer = transfer(pushRuns);
  const peak = Math.max(...[...pushRuns, ...hashing].map((r) => r.peakRssMb));
  const baseline = median(pushRuns.map((r) => r.baselineRssMb));
  return {
    push_vs_scp: round(mbps(size, pushTransfer) / mbps(size, scpNet), 3),
    push_peak_rss_mb: round(peak, 1),
    push_mb_s: round(mbps(size, pushTransfer), 1),
    scp_mb_s: round(mbps(size, scpNet), 1),
    push_transfer_seconds: round(pushTransfer),
    scp_seconds: round(scpNet),
    scp_wall_seconds: round(scpWall),
    push_vs_scp_wall: round(scpWall / pushTransfer, 3),
    push_install_seconds: round(median(pushRuns.map((r) => r.job.totalSeconds ?? NaN))),
    push_cpu_s_per_gib: round(cpuPerGiB(pushRuns), 2),
    scp_cpu_s_per_gib: round(median(scpRuns.map((r) => perGiB(r.cpuSeconds - setup.cpuSeconds, size))), 2),
    push_main_thread_cpu_s_per_gib: round(
      median(pushRuns.map((r) => perGiB(r.transferMainThreadCpuSeconds ?? NaN, size))),
      2,
    ),
    ssh_cpu_s_per_gib: round(median(scpRuns.map((r) => perGiB(r.sshCpuSeconds - setup.sshCpuSeconds, size))), 2),
    push_cpu_percent: round(median(pushRuns.map((r) => r.transferCpuPercent ?? NaN)), 0),
    scp_cpu_percent: round(
      median(scpRuns.map((r) => ((r.cpuSeconds - setup.cpuSeconds) / (r.wallSeconds - setup.wallSeconds)) * 100)),
      0,
    ),
    push_gc_full_per_gib: round(median(pushRuns.map((r) => perGiB(r.gc.majorCollections, size))), 1),
    push_hashing_vs_scp: round(mbps(size, transfer(hashing)) / mbps(size, scpNet), 3),
    push_hashing_mb_s: round(mbps(size, transfer(hashing)), 1),
    push_hashing_cpu_s_per_gib: round(cpuPerGiB(hashing), 2),
    push_wire_overhead_fraction: pushRuns.every((r) => r.wireBytes !== null)
      ? round(median(pushRuns.map((r) => r.wireBytes! / size - 1)), 4)
      : null,
    push_rss_baseline_mb: round(baseline, 1),
    push_rss_growth_mb: round(peak - baseline, 1),
    push_runs: pushRuns.map((r) => runKeys(size, r)),
    push_hashing_runs: hashing.map((r) => runKeys(size, r)),
    scp_runs: scpRuns.map((r) => ({
      wall_seconds: round(r.wallSeconds),
      cpu_seconds: round(r.cpuSeconds),
      ssh_cpu_seconds: round(r.sshCpuSeconds),
      mb_s: round(mbps(size, r.wallSeconds - setup.wallSeconds), 1),
    })),
  };
}

/** One push run's own figures, so the medians can be checked against their spread. */
function runKeys(size: number, r: PushRun) {
  return {
    transfer_seconds: round(r.job.transferSeconds),
    install_seconds: round(r.job.totalSeconds),
    mb_s: round(mbps(size, r.job.transferSeconds!), 1),
    hashed: r.job.hashed,
    cpu_seconds: round(r.transferCpuSeconds),
    main_thread_cpu_seconds: round(r.transferMainThreadCpuSeconds),
    cpu_percent: round(r.transferCpuPercent, 0),
    gc_collections: r.gc.collections,
    gc_full: r.gc.majorCollections,
    gc_pause_ms: round(r.gc.pauseMs, 0),
    peak_rss_mb: round(r.peakRssMb, 1),
    sampled_peak_rss_mb: round(r.sampledPeakRssMb, 1),
    max_rss_mb: round(r.maxRssMb, 1),
    bytes_transferred: r.job.bytes,
    wire_bytes: r.wireBytes,
  };
}
