import 'server-only';
import { cache } from 'react';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { dataCenters, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import { nodesIn } from './node-counts';
import { emptyTablePage, tablePage, type TablePage } from './table-page';
import { asNumber } from '@/lib/db/dialect';

export type DataCenterRow = typeof dataCenters.$inferSelect & { nodeCount: number; enabledNodeCount: number };

/**
 * The data centers the user may see, with node counts. Held for the rest of a request (React's
 * cache: a page and its parts often each ask), and read afresh by the next one.
 */
export const listDataCenters = cache(async (user: UserContext): Promise<DataCenterRow[]> => {
  const visible = visibleDataCenterIds(user);
  if (visible?.length === 0) return [];
  return await getDb()
    .select({
      id: dataCenters.id,
      code: dataCenters.code,
      name: dataCenters.name,
      description: dataCenters.description,
      relayInstalls: dataCenters.relayInstalls,
      createdAt: dataCenters.createdAt,
      nodeCount: nodesIn(dataCenters.id),
      enabledNodeCount: nodesIn(dataCenters.id, 'enabled'),
    })
    .from(dataCenters)
    .where(visible ? inArray(dataCenters.id, visible) : undefined)
    .orderBy(asc(dataCenters.name));
});

/** A data center by id, for a caller that has authorized already; throws NotFoundError when there is none. */
export async function requireDataCenter(id: string) {
  const dataCenter = await firstRow(getDb().select().from(dataCenters).where(eq(dataCenters.id, id)));
  if (!dataCenter) throw new NotFoundError('The data center');
  return dataCenter;
}

/** A data center the user may see, or null (so pages answer 404 and reveal nothing). */
export async function getDataCenter(user: UserContext, id: string) {
  if (!can(user, 'datacenter.view', { dataCenterId: id })) return null;
  return (await firstRow(getDb().select().from(dataCenters).where(eq(dataCenters.id, id)))) ?? null;
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
      imageCount: asNumber(sql`(${installed})`),
    })
    .from(nodes)
    .where(eq(nodes.dataCenterId, dataCenterId))
    .orderBy(asc(nodes.name))
    .$dynamic();
}

export type NodeOfDataCenter = Awaited<ReturnType<typeof nodesOfDataCenter>>[number];

/** The nodes of a data center with their installed-image counts, all of them (the JSON API). */
export async function listNodesOfDataCenter(user: UserContext, dataCenterId: string): Promise<NodeOfDataCenter[]> {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  return await nodesOfDataCenter(dataCenterId);
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
