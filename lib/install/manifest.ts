import { now } from '@/lib/clock';
import type { images } from '@/lib/db/schema';
import type { NodeHashes } from './remote';

type Image = typeof images.$inferSelect;

/** The file name of an image on every node: its unique name plus the disk format's extension. */
export function imageFileName(image: Pick<Image, 'name' | 'diskFormat'>): string {
  return `${image.name}.${image.diskFormat}`;
}

/** The `<file>.manifest.json` sidecar: what Sync Available Images reads back to know the file. */
export type NodeImageManifest = {
  manifestVersion: 1;
  imageId: string;
  name: string;
  alias: string | null;
  version: string;
  diskFormat: string;
  containerFormat: string;
  sizeBytes: number;
  sha256: string;
  md5: string | null;
  fileName: string;
  installedAt: string;
  jobId: string;
};

export function buildManifest(image: Image, hashes: NodeHashes, jobId: string): string {
  const manifest: NodeImageManifest = {
    manifestVersion: 1,
    imageId: image.id,
    name: image.name,
    alias: image.alias,
    version: image.version,
    diskFormat: image.diskFormat,
    containerFormat: image.containerFormat,
    sizeBytes: hashes.sizeBytes,
    sha256: hashes.sha256,
    md5: hashes.md5 ?? image.md5,
    fileName: imageFileName(image),
    installedAt: now().toISOString(),
    jobId,
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}
