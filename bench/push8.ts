/**
 * Eight pushes at once (bench/README.md): the image onto 8 nodes in one process, its peak RSS the
 * figure. Eight nodes rather than eight images onto fewer: every install is one job with its own
 * SSH connection and SFTP session whichever file it sends, so this is the same memory per push as
 * any 8, and it needs no 8 GiB more in the store nor a per-node limit above the default.
 */
import { MiB, mbps, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { pushInChild } from './lib/push-child';
import { sync } from './lib/processes';

/** This measurement's nodes (the tests use other loopback addresses). */
export const PUSH8_HOSTS = Array.from({ length: 8 }, (_, i) => `127.0.0.${68 + i}`);

/** The push_*_8 keys of the report. */
export async function measurePush8(portal: Portal, size: number) {
  await sync();
  log(`Eight pushes at once: installing on ${PUSH8_HOSTS.join(', ')} from one process…`);
  const nodeIds = PUSH8_HOSTS.map((host) => portal.nodes[host]!.nodeId);
  const report = await pushInChild(portal.adminId, portal.imageId, nodeIds);
  for (const host of PUSH8_HOSTS) await portal.clearNode(host);
  const transfers = report.jobs.map((j) => j.transferSeconds!);
  // From the first transfer's start to the last one's end: the CPU window the worker measured.
  const transferWall = report.transferCpuSeconds! / (report.transferCpuPercent! / 100);
  log(
    `Eight pushes: peak RSS ${report.peakRssMb.toFixed(0)} MiB, transfers ${Math.min(...transfers).toFixed(1)}–${Math.max(...transfers).toFixed(1)} s, ` +
      `${mbps(size * PUSH8_HOSTS.length, transferWall).toFixed(0)} MiB/s in all.`,
  );
  return {
    push_peak_rss_mb_8: round(report.peakRssMb, 1),
    push_rss_baseline_mb_8: round(report.baselineRssMb, 1),
    push_rss_growth_mb_8: round(report.peakRssMb - report.baselineRssMb, 1),
    push_transfer_seconds_8: transfers.map((s) => round(s)),
    push_mb_s_8: round(mbps(size * PUSH8_HOSTS.length, transferWall), 1),
    push_cpu_s_per_gib_8: round(report.transferCpuSeconds! / ((size * PUSH8_HOSTS.length) / (1024 * MiB)), 2),
    push_install_seconds_median_8: round(median(report.jobs.map((j) => j.totalSeconds ?? NaN))),
  };
}
