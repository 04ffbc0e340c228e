import type { Sidecar } from '@/lib/install/sidecar';

/**
 * The result of a Sync Available Images job, stored as the job's `result` and shown on its page.
 * Plain data: the job page's components read it as it was written.
 */

export type FoundImage = {
  imageId: string;
  imageName: string;
  fileName: string;
  sizeBytes: number;
  added: boolean;
  verified: boolean;
};
export type MissingImage = { imageId: string; imageName: string; path: string };
export type FailedImage = { imageId: string; imageName: string; fileName: string; reason: string };
/** A sidecar for an image the portal does not know: the manifest's own fields, for "Register as new image". */
export type UnknownSidecar = Omit<Sidecar, 'manifestVersion' | 'installedAt' | 'jobId'> & { filePresent: boolean };
export type UnreadableSidecar = { fileName: string; reason: string };

export type NodeSyncReport = {
  nodeId: string;
  nodeName: string;
  /** Set when the node could not be read; nothing of it was reconciled then. */
  error?: string;
  found: FoundImage[];
  missing: MissingImage[];
  failed: FailedImage[];
  unknown: UnknownSidecar[];
  unreadable: UnreadableSidecar[];
};

export type SyncImagesResult = { kind: 'sync-images'; verify: boolean; nodes: NodeSyncReport[] };

export function emptyNodeReport(node: { id: string; name: string }): NodeSyncReport {
  return { nodeId: node.id, nodeName: node.name, found: [], missing: [], failed: [], unknown: [], unreadable: [] };
}

/** The Create image form's fields, prefilled from an unknown sidecar ("Register as new image"). */
export function registerImageHref(sidecar: UnknownSidecar): string {
  const params = new URLSearchParams({
    name: sidecar.name,
    version: sidecar.version,
    diskFormat: sidecar.diskFormat,
    containerFormat: sidecar.containerFormat,
    sha256: sidecar.sha256,
    sizeBytes: String(sidecar.sizeBytes),
  });
  if (sidecar.alias) params.set('alias', sidecar.alias);
  if (sidecar.md5) params.set('md5', sidecar.md5);
  return `/images/new?${params}`;
}
