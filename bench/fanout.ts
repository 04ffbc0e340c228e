/**
 * Fan-out (bench/README.md): one image onto 4 nodes one after another, then onto all 4 at once,
 * through the job runner of this process (PORTAL_JOBS_MAX=8, PORTAL_JOBS_MAX_PER_NODE=2); with
 * --busy both rounds again with one core kept busy.
 */
import { performance } from 'node:perf_hooks';
import { keysFor, type Load, type UnderLoad } from './lib/busy';
import { mbps, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { sync } from './lib/processes';

/** This measurement's nodes (the tests use other loopback addresses). */
export const FANOUT_HOSTS = ['127.0.0.61', '127.0.0.62', '127.0.0.63', '127.0.0.64'];

type Phases = { transfer: number | null; verify: number | null };

/** The fanout_* keys of the report, and with --busy their *_busy twins. */
export async function measureFanout(portal: Portal, size: number, loads: Load[], under: UnderLoad) {
  const keys: Record<string, unknown> = {};
  for (const load of loads)
    Object.assign(keys, keysFor(load, await under(load, async () => await fanout(portal, size, load))));
  return keys;
}

async function fanout(portal: Portal, size: number, load: Load) {
  await sync();
  log(`Fan-out (${load}): installing on ${FANOUT_HOSTS.length} nodes one after another…`);
  let t0 = performance.now();
  const sequentialEach: number[] = [];
  const sequentialPhases: Phases[] = [];
  for (const host of FANOUT_HOSTS) {
    const t = performance.now();
    sequentialPhases.push(await installOn(portal, host));
    sequentialEach.push((performance.now() - t) / 1000);
  }
  const sequential = (performance.now() - t0) / 1000;
  // Without the installed files and their rows, the parallel round really transfers again.
  for (const host of FANOUT_HOSTS) await portal.clearNode(host);
  await sync();
  log(`Fan-out (${load}): sequential ${sequential.toFixed(2)} s; now all ${FANOUT_HOSTS.length} in parallel…`);
  t0 = performance.now();
  const parallelPhases = await Promise.all(FANOUT_HOSTS.map(async (host) => await installOn(portal, host)));
  const parallel = (performance.now() - t0) / 1000;
  for (const host of FANOUT_HOSTS) await portal.clearNode(host);
  log(`Fan-out (${load}): parallel ${parallel.toFixed(2)} s.`);
  return {
    fanout_parallel_vs_sequential: round(parallel / sequential, 3),
    fanout_nodes: FANOUT_HOSTS.length,
    fanout_sequential_seconds: round(sequential),
    fanout_parallel_seconds: round(parallel),
    fanout_sequential_install_seconds: sequentialEach.map((s) => round(s)),
    fanout_sequential_transfer_seconds: sequentialPhases.map((p) => p.transfer),
    fanout_sequential_verify_seconds: sequentialPhases.map((p) => p.verify),
    fanout_parallel_transfer_seconds: parallelPhases.map((p) => p.transfer),
    fanout_parallel_verify_seconds: parallelPhases.map((p) => p.verify),
    fanout_parallel_mb_s: round(mbps(size * FANOUT_HOSTS.length, parallel), 1),
  };
}

/** One install, queued and waited for; how long its transfer and verify phases took. */
async function installOn(portal: Portal, host: string): Promise<Phases> {
  const jobId = await portal.queueInstall(portal.nodes[host]!.nodeId);
  await portal.waitFor(jobId);
  const job = await portal.jobRow(jobId);
  if (job.status !== 'succeeded') throw new Error(`The install on ${host} ${job.status}: ${job.error}`);
  const phaseSeconds = (from: string, to: string) => secondsBetweenPhases(portal, jobId, from, to);
  return { transfer: await phaseSeconds('transfer', 'verify'), verify: await phaseSeconds('verify', 'commit') };
}

/** Seconds from one phase's event to the next one's, e.g. the transfer alone. */
export async function secondsBetweenPhases(
  portal: Portal,
  jobId: string,
  from: string,
  to: string,
): Promise<number | null> {
  const events = await portal.eventsOf(jobId);
  const at = (prefix: string) => events.find((e) => e.message.startsWith(prefix))?.at.getTime();
  const [a, b] = [at(`Phase ${from}`), at(`Phase ${to}`)];
  return a === undefined || b === undefined ? null : round((b - a) / 1000);
}
