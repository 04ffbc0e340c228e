import 'server-only';
import { and, count, desc, eq, gte, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { auditEvents, dataCenters, images, jobs, nodeImages, nodes, users } from '@/lib/db/tables';
import { readableAuditDataCenters } from '@/lib/audit/queries';
import { now } from '@/lib/clock';
import { firstRow, getDb } from '@/lib/db/client';
import { countWhere, notIndexed } from '@/lib/db/dialect';

const DAY_MS = 24 * 60 * 60 * 1000;
const RECENT = 5;

export type OverviewDataCenter = {
  id: string;
  name: string;
  nodes: { enabled: number; maintenance: number; error: number; decommissioned: number };
  freeImageDiskBytes: number;
  /** The nodes in error, with what last went wrong, newest first. */
  errors: { nodeId: string; nodeName: string; lastError: string | null }[];
};

export type Overview = {
  dataCenters: OverviewDataCenter[];
  jobs: { running: number; queued: number; failedLastDay: number };
  /** Images with a copy that went missing or failed on some node, the latest trouble first. */
  troubledImages: { id: string; name: string; missing: number; failed: number }[];
  /** Recent refusals, when the user may read the audit log; null otherwise. */
  refusals: { id: number; at: Date; action: string; username: string | null }[] | null;
};

/**
 * The page an operator lands on: the health of every data center they see, the jobs in motion or
 * failed lately, the images whose copies are in trouble, and recent refusals. Every figure is
 * counted by SQLite when the page loads, within the data centers the user sees.
 */
export async function getOverview(user: UserContext): Promise<Overview> {
  const visible = visibleDataCenterIds(user);
  // The data centers the user sees (all for SuperAdmins); none matches no row at all.
  const inVisible = (column: SQLWrapper) =>
    visible ? inArray(column, visible.length > 0 ? visible : ['']) : undefined;
  const db = getDb();

  const nodeRows = await db
    .select({
      dataCenterId: dataCenters.id,
      dataCenterName: dataCenters.name,
      nodeId: nodes.id,
      nodeName: nodes.name,
      status: nodes.status,
      lastError: nodes.lastError,
      diskFreeBytes: nodes.diskFreeBytes,
    })
    .from(dataCenters)
    .leftJoin(nodes, eq(nodes.dataCenterId, dataCenters.id))
    .where(inVisible(dataCenters.id))
    .orderBy(dataCenters.name, nodes.name);
  const byDataCenter = new Map<string, OverviewDataCenter>();
  for (const row of nodeRows) {
    const dc = byDataCenter.get(row.dataCenterId) ?? {
      id: row.dataCenterId,
      name: row.dataCenterName,
      nodes: { enabled: 0, maintenance: 0, error: 0, decommissioned: 0 },
      freeImageDiskBytes: 0,
      errors: [],
    };
    byDataCenter.set(row.dataCenterId, dc);
    if (!row.nodeId || !row.status) continue;
    dc.nodes[row.status] += 1;
    if (row.status === 'enabled') dc.freeImageDiskBytes += row.diskFreeBytes ?? 0;
    if (row.status === 'error')
      dc.errors.push({ nodeId: row.nodeId, nodeName: row.nodeName!, lastError: row.lastError });
  }

  // Counted through the status indexes: few jobs are running, queued or failed lately, while a data
  // center's finished ones pile up (25,000 each at seed:large scale). The unary `+` keeps SQLite off
  // the data center index, which would have it read all of those.
  const jobCount = async (where: SQL | undefined) =>
    (
      await firstRow(
        db
          .select({ n: count() })
          .from(jobs)
          .where(and(where, inVisible(notIndexed(jobs.dataCenterId)))),
      )
    )?.n ?? 0;
  const since = new Date(now().getTime() - DAY_MS);

  return {
    dataCenters: [...byDataCenter.values()],
    jobs: {
      running: await jobCount(eq(jobs.status, 'running')),
      queued: await jobCount(eq(jobs.status, 'queued')),
      failedLastDay: await jobCount(and(eq(jobs.status, 'failed'), gte(jobs.finishedAt, since))),
    },
    troubledImages: await troubledImages(visible),
    refusals: await recentRefusals(user),
  };
}

/** The condition on node-image rows that `node_images_troubled_idx` indexes, in the index's own words. */
const TROUBLED = sql`${nodeImages.state} in ('missing', 'failed')`;

/**
 * The images with copies missing or failed on nodes in the data centers `visible` (null: all), the
 * latest trouble first, with how many copies of each are missing and failed there. The images are
 * picked from the partial index of troubled rows alone (nothing to read on a healthy portal; 5 ms for
 * the 20,000 troubled rows of seed:large, where sorting them by image name took 70), and only the
 * picked ones are counted and named.
 */
async function troubledImages(visible: string[] | null): Promise<Overview['troubledImages']> {
  if (visible?.length === 0) return [];
  const db = getDb();
  const onVisibleNodes = visible
    ? inArray(nodeImages.nodeId, db.select({ id: nodes.id }).from(nodes).where(inArray(nodes.dataCenterId, visible)))
    : undefined;
  const latest = sql`max(${nodeImages.updatedAt})`;
  const picked = (
    await db
      .select({ imageId: nodeImages.imageId })
      .from(nodeImages)
      .where(and(TROUBLED, onVisibleNodes))
      .groupBy(nodeImages.imageId)
      .orderBy(desc(latest), desc(nodeImages.imageId))
      .limit(RECENT * 2)
  ).map((row) => row.imageId);
  if (picked.length === 0) return [];
  const counted = await db
    .select({
      id: images.id,
      name: images.name,
      missing: countWhere(sql`${nodeImages.state} = 'missing'`),
      failed: countWhere(sql`${nodeImages.state} = 'failed'`),
    })
    .from(nodeImages)
    .innerJoin(images, eq(images.id, nodeImages.imageId))
    .where(and(inArray(nodeImages.imageId, picked), TROUBLED, onVisibleNodes))
    .groupBy(images.id);
  const byId = new Map(counted.map((row) => [row.id, row]));
  return picked.flatMap((id) => byId.get(id) ?? []);
}

async function recentRefusals(user: UserContext): Promise<Overview['refusals']> {
  const readable = readableAuditDataCenters(user);
  if (readable?.length === 0) return null;
  return await getDb()
    .select({ id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, username: users.username })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(and(eq(auditEvents.outcome, 'denied'), readable ? inArray(auditEvents.dataCenterId, readable) : undefined))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(RECENT);
}
