import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { machines, nodes } from '@/lib/db/schema';

/**
 * The machines that use an image, optionally only those on some nodes: what the in-use guards of
 * DESIGN §3 ask before an image may go from a node, a data center or the catalogue.
 */
export function machinesUsingImage(imageId: string, where: { nodeIds?: string[] } = {}) {
  if (where.nodeIds?.length === 0) return [];
  return getDb()
    .select({ id: machines.id, name: machines.name, nodeId: machines.nodeId, nodeName: nodes.name })
    .from(machines)
    .innerJoin(nodes, eq(nodes.id, machines.nodeId))
    .where(and(eq(machines.imageId, imageId), where.nodeIds ? inArray(machines.nodeId, where.nodeIds) : undefined))
    .all();
}
