import 'server-only';
import { dataCenterAddress } from './address';
import { and, asc, count, eq } from 'drizzle-orm';
import { authorize, can, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { credentials, dataCenters, images, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import { tablePage, type TablePage } from '@/lib/locations/table-page';

/** Node Details for a user who may see the node's data center; null otherwise. */
export async function getNodeDetails(user: UserContext, nodeId: string) {
  const db = getDb();
  const row = await firstRow(
    db
      .select({
        node: nodes,
        dataCenter: { id: dataCenters.id, name: dataCenters.name, code: dataCenters.code },
        publicKey: credentials.publicKey,
      })
      .from(nodes)
      .innerJoin(dataCenters, eq(dataCenters.id, nodes.dataCenterId))
      .innerJoin(credentials, eq(credentials.id, nodes.credentialId))
      .where(eq(nodes.id, nodeId)),
  );
  if (!row || !can(user, 'datacenter.view', { dataCenterId: row.node.dataCenterId })) return null;
  return row;
}

function imagesOnNode(nodeId: string) {
  return getDb()
    .select({
      imageId: images.id,
      name: images.name,
      version: images.version,
      state: nodeImages.state,
      available: nodeImages.available,
      path: nodeImages.path,
      sizeBytes: images.sizeBytes,
      installedAt: nodeImages.installedAt,
      copiedFromNodeId: nodeImages.copiedFromNodeId,
      lastJobId: nodeImages.lastJobId,
    })
    .from(nodeImages)
    .innerJoin(images, eq(images.id, nodeImages.imageId))
    .where(eq(nodeImages.nodeId, nodeId))
    .orderBy(asc(images.name))
    .$dynamic();
}

export type ImageOnNode = Awaited<ReturnType<typeof imagesOnNode>>[number];

/** The images on a node with their state there, all of them (the JSON API). */
export async function listImagesOnNode(nodeId: string): Promise<ImageOnNode[]> {
  return await imagesOnNode(nodeId);
}

/** Node Details, "Images on this node": one page of the same, by name. */
export async function listImagesOnNodePage(nodeId: string, page: number): Promise<TablePage<ImageOnNode>> {
  const counted = getDb().select({ n: count() }).from(nodeImages).where(eq(nodeImages.nodeId, nodeId));
  const total = (await firstRow(counted))?.n ?? 0;
  return tablePage(total, page, (limit, offset) => imagesOnNode(nodeId).limit(limit).offset(offset));
}

/** How many images are installed on a node: what Decommission takes out of service. */
export async function countInstalledImagesOnNode(nodeId: string): Promise<number> {
  return (
    (
      await firstRow(
        getDb()
          .select({ n: count() })
          .from(nodeImages)
          .where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.state, 'installed'))),
      )
    )?.n ?? 0
  );
}

/** Every operation on a node's own record (status, host key) is infrastructure work, noted against its data center. */
export async function authorizeOnNode(
  input: { nodeId: string },
  user: UserContext,
  note: (facts: { targetId: string; dataCenterId: string }) => void,
): Promise<void> {
  const node = await requireNode(input.nodeId);
  note({ targetId: node.id, dataCenterId: node.dataCenterId });
  authorize(user, 'infrastructure.manage', {});
}

/** A node's name and data-center address, for saying where something came from; null when it is gone. */
export async function getNodeLabel(id: string): Promise<{ id: string; name: string; address: string } | null> {
  const node = await firstRow(
    getDb()
      .select({ id: nodes.id, name: nodes.name, host: nodes.host, dcAddress: nodes.dcAddress })
      .from(nodes)
      .where(eq(nodes.id, id)),
  );
  return node ? { id: node.id, name: node.name, address: dataCenterAddress(node) } : null;
}

/** The node by id, for an operation that authorizes separately; throws NotFoundError when there is none. */
export async function requireNode(id: string) {
  const node = await firstRow(getDb().select().from(nodes).where(eq(nodes.id, id)));
  if (!node) throw new NotFoundError('The node');
  return node;
}
