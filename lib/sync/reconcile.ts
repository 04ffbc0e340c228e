import path from 'node:path';
import type { NodeImageState } from '@/lib/db/enums';
import type { FileStamp } from '@/lib/nodes/file-stamp';
import type { NodeListing } from './node-listing';
import { emptyNodeReport, type NodeSyncReport } from './result';
import { fileOfSidecar, MAX_SIDECAR_BYTES, parseSidecar } from '@/lib/install/sidecar';

/**
 * Works out, from one node's listing, what its node-image rows become. Pure: the
 * job reads the node, this decides, the job writes. The rules:
 * - a valid sidecar of a known image whose file is there with the size the sidecar, and the image,
 *   say, and whose sha256 is the image's → `installed`. An existing row keeps `available` as it
 *   was; a row created here starts not available: finding a file is not an admin offering it.
 *   A sidecar is only a claim: a row that becomes `installed` here (created, or changed from another
 *   state) needs a hash the node computes in this run, unless the node hashed this very file
 *   before (the row's verified size and mtime are the file's now). `needsHash` says which.
 * - the same with a size or checksum that disagrees → `failed`, with the reason, not available.
 * - an `installed` row whose file is gone → `missing`, not available. Rows that are `failed` stay so.
 * - a sidecar of an unknown image → reported with its fields; nothing is adopted.
 * - a sidecar that does not parse, or whose file is gone → reported as unreadable.
 * Rows a job is working on (installing, removing) or that changed after the listing began are left
 * alone: the listing may predate that change.
 */

export type KnownImage = {
  id: string;
  name: string;
  dcBoundId: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  md5: string | null;
};
export type CurrentRow = {
  imageId: string;
  state: NodeImageState;
  available: boolean;
  path: string | null;
  updatedAt: Date;
  verifiedSha256: string | null;
  verifiedSizeBytes: number | null;
  verifiedMtime: string | null;
};

export type RowChange = {
  imageId: string;
  state: 'installed' | 'missing' | 'failed';
  available: boolean;
  path: string | null;
  /** The sha256 the file must have, for "verify checksums". */
  expectedSha256?: string;
  /** The file as listed, so a hash computed now is recorded with what it was computed of. */
  stamp?: FileStamp;
  /** The node must hash the file before the row may say `installed`. */
  needsHash?: boolean;
  created: boolean;
};

const BUSY: NodeImageState[] = ['installing', 'removing'];

export function planNodeSync(input: {
  node: { id: string; name: string; imageDir: string };
  listing: NodeListing;
  rows: CurrentRow[];
  images: Map<string, KnownImage>;
  listedAt: Date;
}): { changes: RowChange[]; report: NodeSyncReport } {
  const { node, listing, images, listedAt } = input;
  const report = emptyNodeReport(node);
  const changes: RowChange[] = [];
  const rows = new Map(input.rows.map((r) => [r.imageId, r]));
  const untouchable = (row: CurrentRow | undefined) =>
    row !== undefined && (BUSY.includes(row.state) || row.updatedAt > listedAt);
  const decided = new Set<string>();

  for (const [sidecarName, body] of [...listing.sidecars].sort(([a], [b]) => a.localeCompare(b))) {
    const fileName = fileOfSidecar(sidecarName)!;
    if (Buffer.byteLength(body) > MAX_SIDECAR_BYTES) {
      report.unreadable.push({ fileName: sidecarName, reason: `larger than ${MAX_SIDECAR_BYTES / 1024} KiB` });
      continue;
    }
    const parsed = parseSidecar(sidecarName, body);
    if (!parsed.ok) {
      report.unreadable.push({ fileName: sidecarName, reason: parsed.reason });
      continue;
    }
    const { sidecar } = parsed;
    const stamp = listing.files.get(fileName);
    const fileSize = stamp?.sizeBytes;
    const image = images.get(sidecar.imageId);
    if (!image) {
      report.unknown.push({
        fileName,
        filePresent: fileSize !== undefined,
        imageId: sidecar.imageId,
        name: sidecar.name,
        alias: sidecar.alias ?? null,
        version: sidecar.version,
        diskFormat: sidecar.diskFormat,
        containerFormat: sidecar.containerFormat,
        sizeBytes: sidecar.sizeBytes,
        sha256: sidecar.sha256,
        md5: sidecar.md5 ?? null,
      });
      continue;
    }
    const row = rows.get(image.id);
    if (untouchable(row) || decided.has(image.id)) continue;
    if (fileSize === undefined) {
      report.unreadable.push({ fileName: sidecarName, reason: 'the image file beside it is not there' });
      continue; // the row, if any, is judged below by its file
    }
    decided.add(image.id);
    const filePath = path.posix.join(node.imageDir, fileName);
    const problems = disagreements(image, sidecar, fileSize);
    if (problems.length > 0) {
      const reason = problems.join('; ');
      changes.push({ imageId: image.id, state: 'failed', available: false, path: filePath, created: !row });
      report.failed.push({ imageId: image.id, imageName: image.name, fileName, reason });
      continue;
    }
    const expectedSha256 = image.sha256 ?? sidecar.sha256;
    changes.push({
      imageId: image.id,
      state: 'installed',
      available: row?.state === 'installed' ? row.available : false,
      path: filePath,
      expectedSha256,
      stamp,
      needsHash: row?.state !== 'installed' && !hashedBefore(row, expectedSha256, stamp!),
      created: !row,
    });
    report.found.push({
      imageId: image.id,
      imageName: image.name,
      fileName,
      sizeBytes: fileSize,
      added: !row,
      verified: false,
    });
  }

  for (const row of input.rows) {
    if (decided.has(row.imageId) || untouchable(row) || row.state !== 'installed') continue;
    const fileName = row.path && path.posix.dirname(row.path) === node.imageDir ? path.posix.basename(row.path) : null;
    if (fileName !== null && listing.files.has(fileName)) continue; // there, without a sidecar: left as it is
    changes.push({ imageId: row.imageId, state: 'missing', available: false, path: row.path, created: false });
    report.missing.push({
      imageId: row.imageId,
      imageName: images.get(row.imageId)?.name ?? row.imageId,
      path: row.path ?? '(no path recorded)',
    });
  }
  return { changes, report };
}

/** The node hashed this very file before: same checksum, same size, same modification time. */
function hashedBefore(row: CurrentRow | undefined, sha256: string, stamp: FileStamp): boolean {
  return (
    row?.verifiedSha256 === sha256 && row.verifiedSizeBytes === stamp.sizeBytes && row.verifiedMtime === stamp.mtime
  );
}

function disagreements(
  image: KnownImage,
  sidecar: { sizeBytes: number; sha256: string; md5?: string | null },
  fileSize: number,
): string[] {
  const problems: string[] = [];
  if (fileSize !== sidecar.sizeBytes)
    problems.push(`the file is ${fileSize} bytes, its sidecar says ${sidecar.sizeBytes}`);
  if (image.sizeBytes !== null && image.sizeBytes !== fileSize)
    problems.push(`the file is ${fileSize} bytes, the image is ${image.sizeBytes}`);
  if (image.sha256 && image.sha256 !== sidecar.sha256)
    problems.push(`its sidecar's sha256 ${sidecar.sha256} is not the image's ${image.sha256}`);
  if (!image.sha256 && image.md5 && sidecar.md5 && image.md5 !== sidecar.md5)
    problems.push(`its sidecar's md5 ${sidecar.md5} is not the image's ${image.md5}`);
  return problems;
}
