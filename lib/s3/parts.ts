/** The arithmetic of an S3 multipart upload, for the image store's uploads and for publishing. */

const MiB = 1024 * 1024;
// Big enough that a few GiB need a few hundred requests; S3 allows at most 10,000 parts.
const MIN_PART_SIZE = 8 * MiB;
const MAX_PARTS = 10_000;

export function partSizeFor(size: number): number {
  return Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS / MiB) * MiB);
}

/** An empty file is still one (empty) part: CompleteMultipartUpload needs at least one. */
export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

export function partRange(partNumber: number, size: number, partSize: number): { start: number; length: number } {
  const start = (partNumber - 1) * partSize;
  return { start, length: Math.max(0, Math.min(size, start + partSize) - start) };
}
