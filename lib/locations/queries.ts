import 'server-only';
import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { dataCenters, nodeImages, nodes } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';

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

/** Location Details: the nodes of a data center with their installed-image counts. */
export function listNodesOfDataCenter(user: UserContext, dataCenterId: string) {
  if (!can(user, 'datacenter.view', { dataCenterId })) return [];
  const db = getDb();
  const installed = db
    .select({ nodeId: nodeImages.nodeId, n: count().as('n') })
    .from(nodeImages)
    .where(eq(nodeImages.state, 'installed'))
    .groupBy(nodeImages.nodeId)
    .as('installed');
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
      imageCount: sql<number>`coalesce(${installed.n}, 0)`,
    })
    .from(nodes)
    .leftJoin(installed, eq(installed.nodeId, nodes.id))
    .where(eq(nodes.dataCenterId, dataCenterId))
    .orderBy(asc(nodes.name))
    .all();
}
