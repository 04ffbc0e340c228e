import 'server-only';
import { can, type UserContext } from '@/lib/auth/policy';
import { imageAttachments, type ImageRow } from '@/lib/images/queries';
import { listNodesOfDataCenter } from '@/lib/locations/queries';
import { getImageAvailability, type AvailabilityRow } from './queries';

/** A node that has (part of) the image, or had: what it holds, whether it offers it, what may be done. */
export type PlacedNode = AvailabilityRow & { mayRemove: boolean; mayOffer: boolean };
/** A node the image could go onto, and why not when it cannot. */
export type PlacementCandidate = { nodeId: string; nodeName: string; refusal: string | null };

export type PlacementDataCenter = {
  dataCenterId: string;
  dataCenterName: string;
  /** Bound to this data center, or attached to it: its nodes may offer the image. */
  usable: boolean;
  bound: boolean;
  mayAttach: boolean;
  mayDetach: boolean;
  /** Whether this user may install and remove here once the image is usable. */
  mayInstall: boolean;
  placed: PlacedNode[];
  /** Enabled nodes without the image: where Install (or Attach and install) can put it. */
  candidates: PlacementCandidate[];
};

/**
 * Image Details' Placement section: each data center the user sees the image in or may attach it
 * to, whether the image is usable there, and its nodes beneath: the ones that hold it (with state,
 * offer, machines and last job) and the ones it could go onto. One view of the placement rule,
 * built from the same availability rows as the Image Availability page.
 */
export async function getImagePlacement(user: UserContext, image: ImageRow): Promise<PlacementDataCenter[]> {
  const availability = await getImageAvailability(user, image.id);
  if (!availability) return [];
  const { attached, attachable } = await imageAttachments(user, image);
  const attachedIds = new Set(attached.map((dc) => dc.id));
  const groups = new Map(availability.groups.map((group) => [group.dataCenterId, group]));
  const names = new Map([...attached, ...attachable].map((dc) => [dc.id, dc.name]));
  for (const group of availability.groups) names.set(group.dataCenterId, group.dataCenterName);

  const sorted = [...names.entries()].sort(([, a], [, b]) => a.localeCompare(b));
  return Promise.all(
    sorted.map(async ([dataCenterId, dataCenterName]) => {
      const bound = image.dcBoundId === dataCenterId;
      const usable = bound || attachedIds.has(dataCenterId);
      const mayInstall = can(user, 'node.install', { dataCenterId, imageAttached: true });
      const rows = groups.get(dataCenterId)?.rows ?? (await listedNodes(user, dataCenterId));
      const placed = rows
        .filter((row) => row.state !== null)
        .map((row) => ({
          ...row,
          mayRemove: mayInstall && row.state !== 'removing' && row.machines === 0,
          mayOffer: mayInstall && usable && row.state === 'installed' && !row.available,
        }));
      const candidates = rows
        .filter((row) => row.state === null && row.nodeStatus === 'enabled')
        .map((row) => ({ nodeId: row.nodeId, nodeName: row.nodeName, refusal: usable ? row.locked : null }));
      return {
        dataCenterId,
        dataCenterName,
        usable,
        bound,
        // An image still waiting for its file has nothing a node could offer yet.
        mayAttach: !usable && image.status !== 'pending' && attachable.some((dc) => dc.id === dataCenterId),
        mayDetach: attached.some((dc) => dc.id === dataCenterId && dc.mayChange),
        mayInstall,
        placed,
        candidates,
      };
    }),
  );
}

/** A data center the availability view left out (the image is not attached there yet): its nodes, holding nothing. */
async function listedNodes(user: UserContext, dataCenterId: string): Promise<AvailabilityRow[]> {
  return (await listNodesOfDataCenter(user, dataCenterId)).map((node) => ({
    nodeId: node.id,
    nodeName: node.name,
    host: `${node.host}:${node.port}`,
    nodeStatus: node.status,
    state: null,
    available: false,
    verifiedSha256: null,
    machines: 0,
    copiedFrom: null,
    lastJob: null,
    locked: null,
  }));
}
