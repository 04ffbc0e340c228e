import 'server-only';
import { and, asc, count, eq, inArray, isNull, ne } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { images, machines, nodes } from '@/lib/db/tables';
import { imageNameOrAliasContains, imageSearchOrder } from '@/lib/locations/image-search';
import { emptyTablePage, tablePage, type TablePage } from '@/lib/locations/table-page';

/**
 * The machines that use an image, optionally only those on some nodes: what the in-use guards ask
 * before an image may go from a node, a data center or the catalogue.
 */
export async function machinesUsingImage(imageId: string, where: { nodeIds?: string[] } = {}) {
  if (where.nodeIds?.length === 0) return [];
  return await getDb()
    .select({ id: machines.id, name: machines.name, nodeId: machines.nodeId, nodeName: nodes.name })
    .from(machines)
    .innerJoin(nodes, eq(nodes.id, machines.nodeId))
    .where(and(eq(machines.imageId, imageId), where.nodeIds ? inArray(machines.nodeId, where.nodeIds) : undefined));
}

export type MachineOnNode = { id: string; name: string; status: string; imageId: string; imageName: string };

/** One page of the machines on a node, by name, with the image each runs; for Node Details. */
export async function listMachinesOnNode(nodeId: string, page = 1): Promise<TablePage<MachineOnNode>> {
  const db = getDb();
  const total = (await firstRow(db.select({ n: count() }).from(machines).where(eq(machines.nodeId, nodeId))))?.n ?? 0;
  return tablePage(total, page, (limit, offset) =>
    db
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
      .orderBy(asc(machines.name))
      .limit(limit)
      .offset(offset),
  );
}

/** The machines using an image that this user may see (those in their data centers); for Image Details. */
export async function visibleMachinesUsingImage(user: UserContext, imageId: string) {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return [];
  return await getDb()
    .select({
      id: machines.id,
      name: machines.name,
      status: machines.status,
      nodeId: machines.nodeId,
      nodeName: nodes.name,
    })
    .from(machines)
    .innerJoin(nodes, eq(nodes.id, machines.nodeId))
    .where(and(eq(machines.imageId, imageId), visible ? inArray(nodes.dataCenterId, visible) : undefined));
}

function machinesOfDataCenter(dataCenterId: string) {
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
    .$dynamic();
}

export type MachineInDataCenter = Awaited<ReturnType<typeof machinesOfDataCenter>>[number];

/** The machines on every node of a data center, for a user who may view it; all of them (the JSON API). */
export async function machinesInDataCenter(user: UserContext, dataCenterId: string): Promise<MachineInDataCenter[]> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  return await machinesOfDataCenter(dataCenterId);
}

/** Location Details, "Machines": one page of the same. */
export async function listMachinesInDataCenterPage(
  user: UserContext,
  dataCenterId: string,
  page: number,
): Promise<TablePage<MachineInDataCenter>> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return emptyTablePage();
  const counted = getDb()
    .select({ n: count() })
    .from(machines)
    .innerJoin(nodes, eq(nodes.id, machines.nodeId))
    .where(eq(nodes.dataCenterId, dataCenterId));
  const total = (await firstRow(counted))?.n ?? 0;
  return tablePage(total, page, (limit, offset) => machinesOfDataCenter(dataCenterId).limit(limit).offset(offset));
}

/** The most matches the Record machine image search answers with; the user types more to narrow them. */
export const MACHINE_IMAGE_SEARCH_LIMIT = 20;

/**
 * The images a machine recorded on a node may run, for what the user typed: any image that is not
 * deleted or being purged, by name or alias, names starting with it first; at most `limit`, and
 * whether there are more. Null for a user who may not record machines (SuperAdmins only).
 */
export async function searchImagesForMachine(
  user: UserContext,
  query: string,
  limit = MACHINE_IMAGE_SEARCH_LIMIT,
): Promise<{ images: { id: string; name: string; version: string }[]; more: boolean } | null> {
  if (!can(user, 'infrastructure.manage', {})) return null;
  const rows = await getDb()
    .select({ id: images.id, name: images.name, version: images.version })
    .from(images)
    .where(and(ne(images.access, 'deleted'), isNull(images.purgeRequestedAt), imageNameOrAliasContains(query)))
    .orderBy(...imageSearchOrder(query))
    .limit(limit + 1);
  return { images: rows.slice(0, limit), more: rows.length > limit };
}
