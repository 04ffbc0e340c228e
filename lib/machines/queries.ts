import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { images, machines, nodes } from '@/lib/db/schema';

/**
 * The machines that use an image, optionally only those on some nodes: what the in-use guards ask
 * before an image may go from a node, a data center or the catalogue.
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

/** The machines on one node, with the image each runs; for Node Details. */
export function machinesOnNode(nodeId: string) {
  return getDb()
    .select({
      id: machines.id,
      name: machines.name,
      status: machines.status,
      imageId: machines.imageId,
      imageName: images.name,
    })
    .from(machines)
    .innerJoin(images, eq(images.id, machines.imageId))
    .where(eq(machines.nodeId, nodeId))
    .all();
}

/** The machines using an image that this user may see (those in their data centers); for Image Details. */
export function visibleMachinesUsingImage(user: UserContext, imageId: string) {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return [];
  return getDb()
    .select({
      id: machines.id,
      name: machines.name,
      status: machines.status,
      nodeId: machines.nodeId,
      nodeName: nodes.name,
    })
    .from(machines)
    .innerJoin(nodes, eq(nodes.id, machines.nodeId))
    .where(and(eq(machines.imageId, imageId), visible ? inArray(nodes.dataCenterId, visible) : undefined))
    .all();
}

/** The machines on every node of a data center, for a user who may view it; for Location Details. */
export function machinesInDataCenter(user: UserContext, dataCenterId: string) {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  return getDb()
    .select({
      id: machines.id,
      name: machines.name,
      status: machines.status,
      nodeId: machines.nodeId,
      nodeName: nodes.name,
      imageId: machines.imageId,
      imageName: images.name,
    })
    .from(machines)
    .innerJoin(nodes, eq(nodes.id, machines.nodeId))
    .innerJoin(images, eq(images.id, machines.imageId))
    .where(eq(nodes.dataCenterId, dataCenterId))
    .orderBy(asc(nodes.name), asc(machines.name))
    .all();
}
