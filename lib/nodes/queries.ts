import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { authorize, can, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { credentials, dataCenters, images, nodeImages, nodes } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';

/** Node Details for a user who may see the node's data center; null otherwise. */
export function getNodeDetails(user: UserContext, nodeId: string) {
  const db = getDb();
  const row = db
    .select({
      node: nodes,
      dataCenter: { id: dataCenters.id, name: dataCenters.name, code: dataCenters.code },
      publicKey: credentials.publicKey,
    })
    .from(nodes)
    .innerJoin(dataCenters, eq(dataCenters.id, nodes.dataCenterId))
    .innerJoin(credentials, eq(credentials.id, nodes.credentialId))
    .where(eq(nodes.id, nodeId))
    .get();
  if (!row || !can(user, 'datacenter.view', { dataCenterId: row.node.dataCenterId })) return null;
  return row;
}

/** The images on a node with their state there. */
export function listImagesOnNode(nodeId: string) {
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
      lastJobId: nodeImages.lastJobId,
    })
    .from(nodeImages)
    .innerJoin(images, eq(images.id, nodeImages.imageId))
    .where(eq(nodeImages.nodeId, nodeId))
    .orderBy(asc(images.name))
    .all();
}

/** Every operation on a node's own record (status, host key) is infrastructure work, noted against its data center. */
export function authorizeOnNode(
  input: { nodeId: string },
  user: UserContext,
  note: (facts: { targetId: string; dataCenterId: string }) => void,
): void {
  const node = requireNode(input.nodeId);
  note({ targetId: node.id, dataCenterId: node.dataCenterId });
  authorize(user, 'infrastructure.manage', {});
}

/** The node by id, for an operation that authorizes separately; throws NotFoundError when there is none. */
export function requireNode(id: string) {
  const node = getDb().select().from(nodes).where(eq(nodes.id, id)).get();
  if (!node) throw new NotFoundError('The node');
  return node;
}
