import 'server-only';
import { eq } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { storeFileHashes } from '@/lib/db/tables';
import type { StoreStamp } from './backend';
import { imageStore } from './image-store';

/**
 * Whether a push may send a store file without hashing it again. Hashing is a third of what a
 * push costs the portal's CPU (bench/README.md), and the upload or import that wrote the file
 * already hashed it, as did the first push after; a file is trusted only while its stamp
 * (lib/store/backend.ts: on disk its size, mtime, ctime and inode; in S3 its size, last
 * modification and ETag) is as it was when it was last found to have the image's sha256. Any write,
 * replacement or copy changes at least one of them (ctime cannot be set back, nor an ETag chosen).
 * The node hashes what it received on every install whatever this says.
 */

type Image = { id: string; storeFile: string | null; sha256: string | null };

/** Whether two stamps say the file did not change between them. */
export function sameStamp(a: StoreStamp, b: StoreStamp): boolean {
  return a.sizeBytes === b.sizeBytes && a.mtime === b.mtime && a.ctime === b.ctime && a.inode === b.inode;
}

/** True when the file was found to have the image's sha256 and has not changed since. */
export async function isStoreFileTrusted(image: Image, stamp: StoreStamp): Promise<boolean> {
  if (!image.sha256 || !image.storeFile) return false;
  const hashed = await firstRow(getDb().select().from(storeFileHashes).where(eq(storeFileHashes.imageId, image.id)));
  return (
    hashed !== undefined &&
    hashed.storeFile === image.storeFile &&
    hashed.sha256 === image.sha256 &&
    sameStamp(hashed, stamp)
  );
}

/** Records that the file, as stamped before it was read, hashed to the image's sha256. */
export async function recordStoreFileHashed(image: Image, stamp: StoreStamp): Promise<void> {
  if (!image.sha256 || !image.storeFile) return;
  const values = { storeFile: image.storeFile, sha256: image.sha256, ...stamp, hashedAt: now() };
  try {
    await getDb()
      .insert(storeFileHashes)
      .values({ imageId: image.id, ...values })
      .onConflictDoUpdate({ target: storeFileHashes.imageId, set: values });
  } catch {
    // The image was deleted meanwhile (its row is gone): nothing to remember. Not recording only
    // costs the next push a hash, so it never fails the install.
  }
}

/**
 * Records a file the upload or import that wrote it has just hashed, as it now is in the store: the
 * first push of a new image then sends it without hashing it a second time.
 */
export async function recordStoredFileHashed(image: Image & { storeFile: string; sha256: string }): Promise<void> {
  // Best effort, as recordStoreFileHashed: without the record the first push hashes the file itself.
  const stamp = await imageStore()
    .stamp(image.storeFile)
    .catch(() => undefined);
  if (stamp) await recordStoreFileHashed(image, stamp);
}

/** The next push hashes the file again, e.g. after the node found the bytes it received wrong. */
export async function forgetStoreFileHashed(imageId: string): Promise<void> {
  await getDb().delete(storeFileHashes).where(eq(storeFileHashes.imageId, imageId));
}
