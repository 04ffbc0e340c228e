import 'server-only';
import { isImageUsableIn, notUsableHere } from '@/lib/images/placement';
import { requireDataCenter } from '@/lib/locations/queries';
import type { Tx } from '@/lib/db/client';
import type { images, nodes } from '@/lib/db/tables';
import { ConflictError, ValidationError } from '@/lib/errors';
import { getActiveJob, insertJob } from '@/lib/jobs/rows';
import { installSourceOf } from './transfer';
import { currentNodeImage, nodeImagePath, setNodeImageState } from './node-images';

type Image = typeof images.$inferSelect;
type Node = typeof nodes.$inferSelect;

const NODE_STATE_PHRASE: Record<Exclude<Node['status'], 'enabled'>, string> = {
  maintenance: 'in maintenance',
  error: 'in error',
  decommissioned: 'decommissioned',
};

/** Where the node is, as the placement rule needs it: is the image usable in its data center? */
export type NodePlacement = { usable: boolean; dataCenterName: string };

/** Why this image cannot be installed on this node right now, or null when it can. */
export function installRefusal(image: Image, node: Node, placement: NodePlacement): string | null {
  if (node.status !== 'enabled') {
    // The reason an admin gave (maintenance) or the error that stopped the node says what to do next.
    const why = node.statusReason ? ` (${node.statusReason.replace(/\.$/, '')})` : '';
    return `Node ${node.name} is ${NODE_STATE_PHRASE[node.status]}${why}; only enabled nodes accept new installs.`;
  }
  if ((image.status !== 'ok' && image.status !== 'unverified') || image.access === 'deleted') {
    return `Image ${image.name} is ${image.access === 'deleted' ? 'deleted' : image.status} and cannot be installed.`;
  }
  if (!image.storeFile && !image.sourceUrl) return `Image ${image.name} has neither an uploaded file nor a source URL.`;
  if (!image.sha256 && !image.md5) return `Image ${image.name} has no checksum to verify an install against.`;
  if (!placement.usable) return notUsableHere(image.name, placement.dataCenterName);
  return null;
}

/** The node's placement for this image, read inside the caller's transaction. */
export async function placementOf(tx: Pick<Tx, 'select'>, image: Image, node: Node): Promise<NodePlacement> {
  return {
    usable: await isImageUsableIn(tx, image, node.dataCenterId),
    dataCenterName: (await requireDataCenter(node.dataCenterId)).name,
  };
}

/**
 * Queues an install of one image on one node inside the caller's transaction; the caller kicks the
 * job runner after commit. One active job per (node, image), and a verified copy is never replaced.
 */
export async function enqueueInstall(tx: Tx, image: Image, node: Node, userId: string): Promise<string> {
  const refusal = installRefusal(image, node, await placementOf(tx, image, node));
  if (refusal) throw new ValidationError(refusal);
  const active = await getActiveJob(tx, node.id, image.id);
  if (active)
    throw new ConflictError(
      `An ${active.kind} of ${image.name} on ${node.name} is already ${active.status} (job ${active.id}).`,
    );
  // Installing over a verified copy would mark it unavailable meanwhile, and failed if the new
  // attempt failed, while the good file is still there.
  if ((await currentNodeImage(tx, node.id, image.id))?.state === 'installed') {
    throw new ConflictError(`${image.name} is already installed on ${node.name}.`);
  }
  const id = await insertJob(tx, {
    kind: 'install',
    nodeId: node.id,
    imageId: image.id,
    dataCenterId: node.dataCenterId,
    createdBy: userId,
    params: { mode: installSourceOf(image).mode },
  });
  await setNodeImageState(
    node.id,
    image.id,
    { state: 'installing', available: false, lastJobId: id, path: await nodeImagePath(tx, node, image) },
    tx,
  );
  return id;
}
