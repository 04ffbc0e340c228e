/**
 * Push vs scp, and the push's memory (bench/README.md): the portal's SFTP push of the image against
 * OpenSSH's scp of the same file to the same node with the same cipher, the runs interleaved.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mbps, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { runCommand, sync } from './lib/processes';
import { scp, scpAccess, scpSetupSeconds, type ScpRun, type ScpTarget } from './lib/scp';

/** This measurement's node (the tests use other loopback addresses). */
export const PUSH_HOST = '127.0.0.60';

/** What bench/push-worker.ts reports on its last stdout line. */
type PushRun = {
  status: string;
  error: string | null;
  bytes: number;
  wireBytes: number | null;
  transferSeconds: number | null;
  totalSeconds: number | null;
  baselineRssMb: number;
  sampledPeakRssMb: number;
  maxRssMb: number;
  peakRssMb: number;
  transferCpuPercent: number | null;
  events: Array<{ at: string; level: string; message: string }>;
};

/** The push_* and scp_* keys of the report; scp keeps its key files in `scpDir`. */
export async function measurePush(portal: Portal, size: number, runs: number, scpDir: string) {
  const { node, nodeId } = portal.nodes[PUSH_HOST]!;
  const cipher = await portal.negotiatedCipher(nodeId);
  log(`The portal negotiates ${cipher} with the node; scp gets the same.`);
  const target = await scpAccess(node, scpDir, cipher);

  // scp copies the store file itself, so both sides read identical bytes from the cache.
  log('Warming the page cache with the image file.');
  await runCommand('sh', ['-c', 'cat "$1" > /dev/null', 'sh', portal.storePath]);
  const scpSetup = await scpSetupSeconds(target);

  const scpRuns: ScpRun[] = [];
  const pushRuns: PushRun[] = [];
  const workerEnv = { ...process.env };
  for (let i = 1; i <= runs; i++) {
    // Interleaved, so a slow spell of the machine hits both sides alike.
    scpRuns.push(await scpRun(target, portal.storePath, size, scpSetup, i));
    pushRuns.push(await pushRun(portal, workerEnv, size, i));
  }
  return { ...pushVsScpKeys(size, cipher, scpSetup, scpRuns, pushRuns), ...runKeys(size, scpRuns, pushRuns) };
}

async function scpRun(
  target: ScpTarget,
  storePath: string,
  size: number,
  scpSetup: number,
  i: number,
): Promise<ScpRun> {
  await sync();
  const scpDest = path.join(target.node.imageDir, 'scp-copy.raw');
  const s = await scp(target, storePath, scpDest);
  fs.rmSync(scpDest, { force: true });
  log(
    `scp run ${i}: ${s.wallSeconds.toFixed(2)} s wall, ${mbps(size, s.wallSeconds - scpSetup).toFixed(0)} MiB/s net of setup, ${((s.cpuSeconds / s.wallSeconds) * 100).toFixed(0)}% CPU (scp client).`,
  );
  return s;
}

async function pushRun(portal: Portal, workerEnv: NodeJS.ProcessEnv, size: number, i: number): Promise<PushRun> {
  await sync();
  const p = await pushInChild(portal.adminId, portal.imageId, portal.nodes[PUSH_HOST]!.nodeId, workerEnv);
  if (p.status !== 'succeeded' || p.transferSeconds === null) {
    throw new Error(
      `The push install did not succeed (${p.status}): ${p.error}\n${p.events.map((e) => `  ${e.at} ${e.level} ${e.message}`).join('\n')}`,
    );
  }
  portal.clearNode(PUSH_HOST);
  log(
    `push run ${i}: transfer ${p.transferSeconds.toFixed(2)} s (${mbps(size, p.transferSeconds).toFixed(0)} MiB/s, ` +
      `${p.transferCpuPercent?.toFixed(0) ?? '?'}% CPU), install ${p.totalSeconds?.toFixed(2)} s, peak RSS ${p.peakRssMb.toFixed(0)} MiB.`,
  );
  return p;
}

/** The push in a process of its own (bench/push-worker.ts), so its memory is the engine's alone. */
async function pushInChild(userId: string, imageId: string, nodeId: string, env: NodeJS.ProcessEnv): Promise<PushRun> {
  const worker = path.join(__dirname, 'push-worker.ts');
  // BENCH_PUSH_NODE_ARGS adds node options for the worker alone, e.g. `--cpu-prof --cpu-prof-dir=DIR`
  // to profile the engine (node refuses --cpu-prof in NODE_OPTIONS).
  const extra = (process.env.BENCH_PUSH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const result = await runCommand(
    process.execPath,
    [...extra, '--conditions=react-server', '--import', 'tsx', worker, userId, imageId, nodeId],
    { env, passStderr: true },
  );
  if (result.code !== 0) throw new Error(`The push worker exited ${result.code}.`);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as PushRun;
}

/** The medians across the runs; scp's fixed setup cost is taken off its wall time. */
function pushVsScpKeys(size: number, cipher: string, scpSetup: number, scpRuns: ScpRun[], pushRuns: PushRun[]) {
  const scpWall = median(scpRuns.map((r) => r.wallSeconds));
  const scpNet = Math.max(scpWall - scpSetup, 1e-6);
  const pushTransfer = median(pushRuns.map((r) => r.transferSeconds!));
  const peak = Math.max(...pushRuns.map((r) => r.peakRssMb));
  const baseline = median(pushRuns.map((r) => r.baselineRssMb));
  return {
    push_vs_scp: round(mbps(size, pushTransfer) / mbps(size, scpNet), 3),
    push_peak_rss_mb: round(peak, 1),
    cipher,
    push_mb_s: round(mbps(size, pushTransfer), 1),
    scp_mb_s: round(mbps(size, scpNet), 1),
    push_transfer_seconds: round(pushTransfer),
    scp_seconds: round(scpNet),
    scp_wall_seconds: round(scpWall),
    scp_setup_seconds: round(scpSetup),
    push_vs_scp_wall: round(scpWall / pushTransfer, 3),
    push_install_seconds: round(median(pushRuns.map((r) => r.totalSeconds ?? NaN))),
    push_cpu_percent: round(median(pushRuns.map((r) => r.transferCpuPercent ?? NaN)), 0),
    scp_cpu_percent: round(median(scpRuns.map((r) => (r.cpuSeconds / r.wallSeconds) * 100)), 0),
    push_wire_overhead_fraction: pushRuns.every((r) => r.wireBytes !== null)
      ? round(median(pushRuns.map((r) => r.wireBytes! / size - 1)), 4)
      : null,
    push_rss_baseline_mb: round(baseline, 1),
    push_rss_growth_mb: round(peak - baseline, 1),
  };
}

/** Every run's own figures, so the medians can be checked against their spread. */
function runKeys(size: number, scpRuns: ScpRun[], pushRuns: PushRun[]) {
  return {
    push_runs: pushRuns.map((r) => ({
      transfer_seconds: round(r.transferSeconds),
      install_seconds: round(r.totalSeconds),
      mb_s: round(mbps(size, r.transferSeconds!), 1),
      cpu_percent: round(r.transferCpuPercent, 0),
      peak_rss_mb: round(r.peakRssMb, 1),
      sampled_peak_rss_mb: round(r.sampledPeakRssMb, 1),
      max_rss_mb: round(r.maxRssMb, 1),
      bytes_transferred: r.bytes,
      wire_bytes: r.wireBytes,
    })),
    scp_runs: scpRuns.map((r) => ({
      wall_seconds: round(r.wallSeconds),
      cpu_percent: round((r.cpuSeconds / r.wallSeconds) * 100, 0),
    })),
  };
}
