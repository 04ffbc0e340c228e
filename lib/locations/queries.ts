import 'server-only';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { dataCenters, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import { emptyTablePage, tablePage, type TablePage } from './table-page';

export type DataCenterRow = typeof dataCenters.$inferSelect & { nodeCount: number; enabledNodeCount: number };

/** The data centers the user may see, with node counts. */
export function listDataCenters(user: UserContext): DataCenterRow[] {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return [];
  return getDb()
    .select({
      id: dataCenters.id,
      code: dataCenters.code,
      name: dataCenters.name,
      description: dataCenters.description,
      relayInstalls: dataCenters.relayInstalls,
      createdAt: dataCenters.createdAt,
      nodeCount: count(nodes.id),
      enabledNodeCount: sql<number>`coalesce(sum(${nodes.status} = 'enabled'), 0)`,
    })
    .from(dataCenters)
    .leftJoin(nodes, eq(nodes.dataCenterId, dataCenters.id))
    .where(visible ? inArray(dataCenters.id, visible) : undefined)
    .groupBy(dataCenters.id)
    .orderBy(asc(dataCenters.name))
    .all();
}

/** A data center by id, for a caller that has authorized already; throws NotFoundError when there is none. */
export function requireDataCenter(id: string) {
  const dataCenter = getDb().select().from(dataCenters).where(eq(dataCenters.id, id)).get();
  if (!dataCenter) throw new NotFoundError('The data center');
  return dataCenter;
}

/** A data center the user may see, or null (so pages answer 404 and reveal nothing). */
export function getDataCenter(user: UserContext, id: string) {
  if (!can(user, 'datacenter.view', { dataCenterId: id })) return null;
  return getDb().select().from(dataCenters).where(eq(dataCenters.id, id)).get() ?? null;
}

/** The nodes of a data center by name, each with the number of images installed on it. */
function nodesOfDataCenter(dataCenterId: string) {
  const db = getDb();
  // Counted per node listed, through the node's own rows (the primary key starts with the node):
  // grouping every node-image row first cost a scan of all of them on each page view.
  const installed = db
    .select({ n: count() })
    .from(nodeImages)
    .where(and(eq(nodeImages.nodeId, nodes.id), eq(nodeImages.state, 'installed')));
  return db
    .select({
      id: nodes.id,
      name: nodes.name,
      host: nodes.host,
      port: nodes.port,
      status: nodes.status,
      cpus: nodes.cpus,
      memoryBytes: nodes.memoryBytes,
      diskFreeBytes: nodes.diskFreeBytes,
      diskTotalBytes: nodes.diskTotalBytes,
      lastSeenAt: nodes.lastSeenAt,
      lastError: nodes.lastError,
      imageCount: sql<number>`(${installed})`,
    })
    .from(nodes)
    .where(eq(nodes.dataCenterId, dataCenterId))
    .orderBy(asc(nodes.name))
    .$dynamic();
}

export type NodeOfDataCenter = ReturnType<ReturnType<typeof nodesOfDataCenter>['all']>[number];

/** The nodes of a data center with their installed-image counts, all of them (the JSON API). */
export function listNodesOfDataCenter(user: UserContext, dataCenterId: string): NodeOfDataCenter[] {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  return nodesOfDataCenter(dataCenterId).all();
}

/** Location Details, "Nodes": one page of the same. */
export async function listNodesOfDataCenterPage(
  user: UserContext,
  dataCenterId: string,
  page: number,
): Promise<TablePage<NodeOfDataCenter>> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return emptyTablePage();
  const counted = getDb().select({ n: count() }).from(nodes).where(eq(nodes.dataCenterId, dataCenterId));
  const total = (await firstRow(counted))?.n ?? 0;
  return tablePage(total, page, (limit, offset) => nodesOfDataCenter(dataCenterId).limit(limit).offset(offset));
}
