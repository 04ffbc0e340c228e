/**
 * A data center behind a slow link, built from Linux network namespaces, for measuring what the
 * portal's own link costs (bench/README.md, "Relay fan-out"):
 *
 *   caller's namespace (portal)       <prefix>-dc                   <prefix>-n1 … <prefix>-nN
 *   <prefix>-up <subnet>.1 <====> portal --- br0 --+-- n1 <----> eth0 <subnet>.11
 *   (tbf out)                     (tbf out)        +-- n2 <----> eth0 <subnet>.12
 *                                                  +-- …
 *
 *   <==> the shaped veth pair (the portal's link), <--> a full-speed veth pair
 *
 * The one veth pair between the portal and the bridge is shaped with tbf on both of its ends, so
 * whatever crosses it, either way, goes at `rateMbit`; the nodes reach each other over the bridge
 * unshaped. Needs root (CAP_NET_ADMIN) and iproute2. Every command gets its arguments as an array,
 * never through a shell.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type ShapedDataCenterOptions = {
  /** Names every namespace and the portal's interface (at most 8 characters: interface names are short). */
  prefix: string;
  nodes: number;
  /** The portal's link, in Mbit/s, in each direction. */
  rateMbit: number;
  /** The first three octets of a private /24 nothing else on the machine uses. */
  subnet: string;
};

export type ShapedDataCenter = {
  /** The portal's address on the link, in this (the caller's) namespace. */
  portalAddress: string;
  /** Each node's namespace and address, in order: .11, .12, … */
  nodes: Array<{ namespace: string; address: string }>;
  /** Deletes everything `createShapedDataCenter` made; safe to call more than once. */
  remove: () => Promise<void>;
};

const names = (prefix: string, nodes: number) => ({
  portalLink: `${prefix}-up`,
  dc: `${prefix}-dc`,
  nodes: Array.from({ length: nodes }, (_, i) => `${prefix}-n${i + 1}`),
});

/**
 * Builds the data center, first removing whatever a crashed earlier run left under the same names.
 * On failure part-way it removes what it made before throwing.
 */
export async function createShapedDataCenter(options: ShapedDataCenterOptions): Promise<ShapedDataCenter> {
  const { prefix, subnet, rateMbit } = options;
  const n = names(prefix, options.nodes);
  const remove = () => removeShapedDataCenter(prefix, options.nodes);
  await remove();
  const nodes = n.nodes.map((namespace, i) => ({ namespace, address: `${subnet}.${11 + i}` }));
  try {
    await ip('netns', 'add', n.dc);
    await ip('-n', n.dc, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', n.dc, 'link', 'set', 'br0', 'up');
    // The portal's link: one end here, the other on the bridge.
    await ip('link', 'add', n.portalLink, 'type', 'veth', 'peer', 'name', 'portal', 'netns', n.dc);
    await ip('addr', 'add', `${subnet}.1/24`, 'dev', n.portalLink);
    await ip('link', 'set', n.portalLink, 'up');
    await ip('-n', n.dc, 'link', 'set', 'portal', 'master', 'br0', 'up');
    await shape(null, n.portalLink, rateMbit);
    await shape(n.dc, 'portal', rateMbit);
    for (const [i, node] of nodes.entries()) {
      const port = `n${i + 1}`;
      await ip('netns', 'add', node.namespace);
      await ip('-n', n.dc, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace);
      await ip('-n', n.dc, 'link', 'set', port, 'master', 'br0', 'up');
      await ip('-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0');
      await ip('-n', node.namespace, 'link', 'set', 'eth0', 'up');
      // sshd's own checks and anything a node runs on 127.0.0.1 need loopback up.
      await ip('-n', node.namespace, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { portalAddress: `${subnet}.1`, nodes, remove };
}

/**
 * Deletes the namespaces and the portal's link of a data center made with this prefix, whether it
 * is whole, half built or absent. Processes still in its namespaces (an sshd a crashed run left)
 * are killed first, by their ids: a namespace with a process in it outlives its name.
 */
export async function removeShapedDataCenter(prefix: string, nodes: number): Promise<void> {
  const n = names(prefix, nodes);
  const existing = new Set((await ip('netns', 'list')).split('\n').map((line) => line.split(' ')[0]));
  for (const namespace of [...n.nodes, n.dc].filter((name) => existing.has(name))) {
    const pids = (await ip('netns', 'pids', namespace)).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await ip('netns', 'del', namespace);
  }
  // Gone with its peer once the namespace went; still here if the namespace was never made.
  try {
    await ip('link', 'del', n.portalLink);
  } catch {
    // no such link
  }
}

/**
 * tbf on one end's egress: the kernel only shapes what leaves an interface, so each direction is
 * shaped on the end it leaves from. The burst holds a 64 KiB GSO segment (veth passes them whole)
 * twice; 20 ms of queue at the rate keeps TCP's throughput at the rate without a long queue.
 */
function shape(namespace: string | null, dev: string, rateMbit: number) {
  const netns = namespace ? ['-n', namespace] : [];
  return run('tc', [
    ...netns,
    'qdisc',
    'replace',
    'dev',
    dev,
    'root',
    'tbf',
    'rate',
    `${rateMbit}mbit`,
    'burst',
    '128kb',
    'latency',
    '20ms',
  ]);
}

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}
