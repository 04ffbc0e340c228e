/**
 * Relay fan-out (bench/README.md): the portal (this process) behind a link shaped to 200 Mbit/s
 * each way, and four sshd nodes on a full-speed bridge behind it, in network namespaces
 * (scripts/lib/netns.ts) and in one data center of their own. Each round times the image onto one
 * node, onto all four with copying between nodes off (direct), then onto all four with it on
 * (relay); with --busy all rounds again with one core kept busy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createShapedDataCenter } from '../scripts/lib/netns';
import { startSshNodeInNamespace } from '../scripts/lib/netns-sshd';
import { secondsBetweenPhases } from './fanout';
import { keysFor, type Load, type UnderLoad } from './lib/busy';
import type { Cleanups } from './lib/cleanup';
import { mbps, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { sync } from './lib/processes';

/** The portal's link, each way: 1 GiB takes about 43 s through it. */
export const RELAY_LINK_MBIT = 200;
/** A round sends the image through the link about six times without relay, so fewer rounds than elsewhere. */
export const RELAY_DEFAULT_RUNS = 2;
const NODES = 4;
// Names and a subnet of the benchmark's own: a crashed run's leftovers under them are removed first.
const NETWORK = { prefix: 'cbp', nodes: NODES, rateMbit: RELAY_LINK_MBIT, subnet: '10.231.7' };

type SiteNode = { host: string; nodeId: string; imageDir: string };
type Site = { dataCenterId: string; nodes: SiteNode[] };
/**
 * One timed install: its wall time, how many copies came from another node,
 * and the first job's transfer and verify phases (what of a single install the link bounds, and what it does not).
 */
type Round = { seconds: number; copied: number; transfer: number | null; verify: number | null };

/** The relay_* keys of the report, and with --busy their *_busy twins. */
export async function measureRelay(
  portal: Portal,
  size: number,
  runs: number,
  loads: Load[],
  under: UnderLoad,
  root: string,
  cleanups: Cleanups,
) {
  const site = await setUpSite(portal, root, cleanups);
  const keys: Record<string, unknown> = {
    relay_nodes: NODES,
    relay_link_mbit: RELAY_LINK_MBIT,
    relay_runs: runs,
  };
  for (const load of loads)
    Object.assign(keys, keysFor(load, await under(load, async () => await rounds(portal, site, size, runs, load))));
  return keys;
}

/** The namespaces, an sshd in each node's, and the nodes registered in a data center of their own. */
async function setUpSite(portal: Portal, root: string, cleanups: Cleanups): Promise<Site> {
  const network = await createShapedDataCenter(NETWORK);
  cleanups.push(network.remove);
  const dataCenterId = await portal.addDataCenter('relay', 'Relay benchmark');
  const nodes: SiteNode[] = [];
  for (const [i, { namespace, address }] of network.nodes.entries()) {
    const name = `relay-n${i + 1}`;
    const node = await startSshNodeInNamespace(namespace, { host: address, baseDir: path.join(root, name) });
    cleanups.push(node.stop);
    nodes.push({ host: address, imageDir: node.imageDir, nodeId: await portal.registerNode(dataCenterId, node, name) });
  }
  log(
    `${NODES} sshd nodes up in namespaces on ${nodes.map((n) => n.host).join(', ')}, behind a ${RELAY_LINK_MBIT} Mbit/s link from ${network.portalAddress}.`,
  );
  return { dataCenterId, nodes };
}

async function rounds(portal: Portal, site: Site, size: number, runs: number, load: Load) {
  const single: Round[] = [];
  const direct: Round[] = [];
  const relay: Round[] = [];
  for (let run = 1; run <= runs; run++) {
    const what = `Relay fan-out (${load}, run ${run}/${runs})`;
    await portal.setRelayInstalls(site.dataCenterId, false);
    log(`${what}: installing on 1 node…`);
    single.push(await installOn(portal, site.nodes.slice(0, 1), size));
    log(`${what}: single ${single.at(-1)!.seconds.toFixed(1)} s; on all ${NODES}, copying between nodes off…`);
    direct.push(await installOn(portal, site.nodes, size));
    log(`${what}: direct ${direct.at(-1)!.seconds.toFixed(1)} s.`);
    await portal.setRelayInstalls(site.dataCenterId, true);
    log(`${what}: on all ${NODES}, copying between nodes on…`);
    relay.push(await installOn(portal, site.nodes, size));
    const { seconds, copied } = relay.at(-1)!;
    log(`${what}: relay ${seconds.toFixed(1)} s, ${copied} of ${NODES} copies from another node.`);
    // No copy from a node: every node was sent the image through the link after all, as in direct.
    if (copied === 0) log(`${what}: relay was on, but no node copied from another.`);
  }
  const seconds = (rs: Round[], of: (r: Round) => number | null = (r) => r.seconds) => {
    const xs = rs.map(of).filter((x) => x !== null);
    return xs.length > 0 ? median(xs) : null;
  };
  const [s, d, r] = [seconds(single), seconds(direct), seconds(relay)];
  const ratio = (x: number | null) => (x === null || s === null ? null : round(x / s, 3));
  const rate = (nodes: number, x: number | null) => (x === null ? null : round(mbps(size * nodes, x), 1));
  return {
    relay_fanout_vs_single: ratio(r),
    direct_fanout_vs_single: ratio(d),
    relay_single_seconds: round(s),
    relay_direct_seconds: round(d),
    relay_fanout_seconds: round(r),
    relay_single_transfer_seconds: round(seconds(single, (x) => x.transfer)),
    relay_single_verify_seconds: round(seconds(single, (x) => x.verify)),
    relay_single_mb_s: rate(1, s),
    relay_direct_mb_s: rate(NODES, d),
    relay_fanout_mb_s: rate(NODES, r),
    relay_single_runs: single.map((x) => round(x.seconds)),
    relay_direct_runs: direct.map((x) => round(x.seconds)),
    relay_fanout_runs: relay.map((x) => round(x.seconds)),
    relay_copied_runs: relay.map((x) => x.copied),
  };
}

/**
 * Installs the image on `nodes` at once: wall time from the first enqueue until no job is left
 * queued or running (a relay may start jobs of its own). Fails unless every node has the whole
 * file; then removes the copies and their rows, so the next install transfers again.
 */
async function installOn(portal: Portal, nodes: SiteNode[], size: number): Promise<Round> {
  await sync();
  const t0 = performance.now();
  const jobIds: string[] = [];
  for (const node of nodes) jobIds.push(await portal.queueInstall(node.nodeId));
  await Promise.all(jobIds.map(portal.waitFor));
  await portal.settled();
  const seconds = (performance.now() - t0) / 1000;
  for (const [i, jobId] of jobIds.entries()) {
    const job = await portal.jobRow(jobId);
    if (job.status !== 'succeeded') throw new Error(`The install on ${nodes[i]!.host} ${job.status}: ${job.error}`);
  }
  for (const node of nodes) {
    const file = path.join(node.imageDir, portal.installedName);
    const found = fs.existsSync(file) ? fs.statSync(file).size : null;
    if (found !== size) throw new Error(`${node.host} has ${found ?? 'no'} bytes of the image, not ${size}.`);
  }
  const copied = portal.copiedNodes();
  const transfer = await secondsBetweenPhases(portal, jobIds[0]!, 'transfer', 'verify');
  const verify = await secondsBetweenPhases(portal, jobIds[0]!, 'verify', 'commit');
  for (const node of nodes) await portal.clearInstalled(node.nodeId, node.imageDir);
  return { seconds, copied: await copied, transfer, verify };
}
