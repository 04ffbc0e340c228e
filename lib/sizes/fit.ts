import { formatBytes } from '@/lib/format';

/**
 * Where a VM size fits. A size is available in a data center when
 * at least one enabled node, as last read, can host it on its own:
 *   vCPUs ≤ the node's CPUs, memory ≤ the node's total memory, and the sum of the size's disks ≤
 *   the free space of the node's image directory (where the portal keeps what machines boot from).
 * Memory is compared with the node's total, not what is free now: the portal does not know what the
 * node's own machines take. Sizes count MB as MiB and GB as GiB, as cloud flavors do.
 */

export type SizeSpec = { vcpus: number; memoryMb: number; diskGb: number[] };
export type NodeCapacityRead = { name: string; cpus: number; memoryBytes: number; diskFreeBytes: number };
export type Fit = { available: boolean; reason: string | null; fittingNodes: string[] };

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export function sizeNeeds(size: SizeSpec) {
  return {
    cpus: size.vcpus,
    memoryBytes: size.memoryMb * MiB,
    diskBytes: size.diskGb.reduce((a, b) => a + b, 0) * GiB,
  };
}

export function nodeHosts(node: NodeCapacityRead, size: SizeSpec): boolean {
  const need = sizeNeeds(size);
  return need.cpus <= node.cpus && need.memoryBytes <= node.memoryBytes && need.diskBytes <= node.diskFreeBytes;
}

/** Whether the data center can host the size, from its enabled nodes' capacity; why not, if not. */
export function fitInDataCenter(size: SizeSpec, nodes: NodeCapacityRead[], unreadNodes = 0): Fit {
  const fittingNodes = nodes.filter((n) => nodeHosts(n, size)).map((n) => n.name);
  if (fittingNodes.length > 0) return { available: true, reason: null, fittingNodes };
  const unread =
    unreadNodes > 0 ? ` (${unreadNodes} enabled node${unreadNodes === 1 ? '' : 's'} could not be read)` : '';
  if (nodes.length === 0) {
    return {
      available: false,
      reason: unreadNodes > 0 ? `no enabled node could be read${unread}` : 'the data center has no enabled node',
      fittingNodes,
    };
  }
  const need = sizeNeeds(size);
  const largest = (pick: (n: NodeCapacityRead) => number) => Math.max(...nodes.map(pick));
  const shortfalls = [
    need.cpus > largest((n) => n.cpus) &&
      `no enabled node has ${need.cpus} CPUs; the largest has ${largest((n) => n.cpus)}`,
    need.memoryBytes > largest((n) => n.memoryBytes) &&
      `no enabled node has ${formatBytes(need.memoryBytes)} memory; the largest has ${formatBytes(largest((n) => n.memoryBytes))}`,
    need.diskBytes > largest((n) => n.diskFreeBytes) &&
      `no enabled node has ${formatBytes(need.diskBytes)} free disk; the largest has ${formatBytes(largest((n) => n.diskFreeBytes))}`,
  ].filter((s): s is string => Boolean(s));
  const reason =
    shortfalls.length > 0
      ? shortfalls.join('; ')
      : `no single enabled node has ${need.cpus} CPUs, ${formatBytes(need.memoryBytes)} memory and ${formatBytes(need.diskBytes)} free disk together`;
  return { available: false, reason: reason + unread, fittingNodes };
}
