import 'server-only';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { dataCenters, jobs, machines, nodeImages, nodes } from '@/lib/db/tables';
import type { JobStatus, NodeImageState, NodeStatus } from '@/lib/db/enums';
import { getImage } from '@/lib/images/queries';
import { installRefusal } from '@/lib/install/enqueue';
import { AVAILABILITY_PAGE_SIZE, readNodePage, type AvailabilityPaging } from './node-pages';

/** One node's row on the Image Availability page; plain data, sent to the browser as it is. */
export type AvailabilityRow = {
  nodeId: string;
  nodeName: string;
  host: string;
  nodeStatus: NodeStatus;
  state: NodeImageState | null;
  available: boolean;
  /** The sha256 the node computed of the file it holds, when it holds one. */
  verifiedSha256: string | null;
  machines: number;
  /** The node of the data center this node's copy was copied from (a relayed install), if it was. */
  copiedFrom: { nodeId: string; nodeName: string } | null;
  lastJob: {
    id: string;
    kind: string;
    status: JobStatus;
    phase: string | null;
    bytesDone: number;
    bytesTotal: number | null;
  } | null;
  /** Why the user cannot change this row, or null when they can. */
  locked: string | null;
};

export type AvailabilityGroup = {
  dataCenterId: string;
  dataCenterName: string;
  rows: AvailabilityRow[];
  /** Set by `withSharedLocks`: the one reason every row of the group is locked for. */
  sharedLock?: string | null;
};
export type ImageAvailability = {
  imageId: string;
  imageName: string;
  groups: AvailabilityGroup[];
  paging?: AvailabilityPaging;
  /** Whether the user may change any of it; a read-only viewer gets no Apply or Select all. */
  mayChange: boolean;
};

/**
 * Every node of the data centers the image is attached to (or already on), grouped by data center,
 * limited to what the user may see; null when the image itself is not visible to them. With `page`,
 * only that page of the nodes (in data-center and node-name order), and `paging` says which.
 */
export async function getImageAvailability(
  user: UserContext,
  imageId: string,
  page?: number,
): Promise<ImageAvailability | null> {
  const found = await getImage(user, imageId);
  if (!found) return null;
  const { image, attached } = found;
  const db = getDb();
  const onNodes = await db
    .select({ dc: nodes.dataCenterId })
    .from(nodeImages)
    .innerJoin(nodes, eq(nodes.id, nodeImages.nodeId))
    .where(eq(nodeImages.imageId, imageId));
  const visible = visibleDataCenterIds(user);
  // SuperAdmins may install anywhere, so they see every data center; others see where the image
  // is attached or already on a node, within their own data centers.
  const dcIds = visible
    ? [...new Set([...attached, ...onNodes.map((r) => r.dc)])].filter((dc) => visible.includes(dc))
    : (await db.select({ id: dataCenters.id }).from(dataCenters)).map((dc) => dc.id);
  if (dcIds.length === 0) {
    const none = { page: 1, pageSize: AVAILABILITY_PAGE_SIZE, pageCount: 1, total: 0 };
    return { imageId, imageName: image.name, groups: [], mayChange: false, ...(page ? { paging: none } : {}) };
  }

  const { rows: nodeRows, paging } = await readNodePage(imageId, dcIds, page);
  const lastJobs = await latestJobPerNode(
    imageId,
    nodeRows.map((r) => r.node.id),
  );
  const machineCounts = countBy(
    (
      await db
        .select({ nodeId: machines.nodeId })
        .from(machines)
        .where(
          and(
            eq(machines.imageId, imageId),
            inArray(
              machines.nodeId,
              nodeRows.map((r) => r.node.id),
            ),
          ),
        )
    ).map((m) => m.nodeId),
  );

  const groups = new Map<string, AvailabilityGroup>();
  const nodeNames = new Map(nodeRows.map((r) => [r.node.id, r.node.name]));
  for (const { node, dcName, ni } of nodeRows) {
    const group = groups.get(node.dataCenterId) ?? {
      dataCenterId: node.dataCenterId,
      dataCenterName: dcName,
      rows: [],
    };
    groups.set(node.dataCenterId, group);
    const isAttached = attached.includes(node.dataCenterId);
    const mayInstall = can(user, 'node.install', { dataCenterId: node.dataCenterId, imageAttached: isAttached });
    group.rows.push({
      nodeId: node.id,
      nodeName: node.name,
      host: `${node.host}:${node.port}`,
      nodeStatus: node.status,
      state: ni?.state ?? null,
      available: ni?.available ?? false,
      verifiedSha256: ni?.verifiedSha256 ?? null,
      machines: machineCounts.get(node.id) ?? 0,
      copiedFrom: ni?.copiedFromNodeId
        ? { nodeId: ni.copiedFromNodeId, nodeName: nodeNames.get(ni.copiedFromNodeId) ?? 'another node' }
        : null,
      lastJob: lastJobs.get(node.id) ?? null,
      locked: !mayInstall
        ? isAttached
          ? 'You may view this data center but not change what is installed in it.'
          : 'The image is not attached to this data center.'
        : node.status !== 'enabled' || !ni
          ? // names the node's status first, then anything about the image, then where it may be placed
            installRefusal(image, node, {
              usable: isAttached || image.dcBoundId === node.dataCenterId,
              dataCenterName: dcName,
            })
          : null,
    });
  }
  const mayChange = [...groups.values()].some((g) =>
    can(user, 'node.install', { dataCenterId: g.dataCenterId, imageAttached: attached.includes(g.dataCenterId) }),
  );
  return { imageId, imageName: image.name, groups: [...groups.values()], mayChange, ...(paging ? { paging } : {}) };
}

/** A `page` search parameter as the page number it asks for: 1 unless it is a whole number above 1. */
export function pageParam(value: string | string[] | null | undefined): number {
  const page = Number(Array.isArray(value) ? value[0] : value);
  return Number.isSafeInteger(page) && page > 1 ? page : 1;
}

async function latestJobPerNode(
  imageId: string,
  nodeIds: string[],
): Promise<Map<string, NonNullable<AvailabilityRow['lastJob']>>> {
  const latest = new Map<string, NonNullable<AvailabilityRow['lastJob']>>();
  if (nodeIds.length === 0) return latest;
  const rows = await getDb()
    .select({
      id: jobs.id,
      nodeId: jobs.nodeId,
      kind: jobs.kind,
      status: jobs.status,
      phase: jobs.phase,
      bytesDone: jobs.bytesDone,
      bytesTotal: jobs.bytesTotal,
    })
    .from(jobs)
    .where(and(eq(jobs.imageId, imageId), inArray(jobs.nodeId, nodeIds)))
    .orderBy(desc(jobs.createdAt));
  for (const { nodeId, ...job } of rows) if (nodeId && !latest.has(nodeId)) latest.set(nodeId, job);
  return latest;
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * For the page: a reason every row of a data center shares ("not attached here") is said once, on
 * the group, rather than on each of its (possibly 200) rows; the rows keep their own reasons
 * otherwise. The API keeps the reason on every row.
 */
export function withSharedLocks(availability: ImageAvailability): ImageAvailability {
  const groups = availability.groups.map((group) => {
    const reason = group.rows[0]?.locked ?? null;
    if (group.rows.length < 2 || reason === null || group.rows.some((row) => row.locked !== reason)) return group;
    return { ...group, sharedLock: reason, rows: group.rows.map((row) => ({ ...row, locked: null })) };
  });
  return { ...availability, groups };
}
