import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { getConfig } from '@/lib/config';
import { ValidationError } from '@/lib/errors';
import { refuseUnlessSelfContained } from './file-safety';
import { HashingFileSink } from './hashed-file';
import { dropLapsedReservations, isTempFileHeld, StoreFullError } from './reservations';

/**
 * The portal's own image store: uploaded files live flat in
 * `$PORTAL_DATA_DIR/images`, one per image, named by the image id so no user text reaches a path.
 */

/** Plain file names only: no separators, no `.`/`..`, nothing hidden, nothing a shell would trip on. */
const STORE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export type ReceivedImage = { storeFile: string; sizeBytes: number; sha256: string; md5: string; sha1: string };
export type ExpectedChecksums = { sha256?: string | null; md5?: string | null };
export type UploadBody = ReadableStream<Uint8Array> | Readable | null;

export function imageStoreDir(): string {
  return getConfig().imageStoreDir;
}

/** The absolute path of a file inside the store; refuses any name that could leave it. */
export function storedImagePath(storeFile: string): string {
  if (!STORE_FILE.test(storeFile) || storeFile.includes('..')) {
    throw new ValidationError(`"${storeFile}" is not a valid file name in the image store.`);
  }
  const dir = imageStoreDir();
  const full = path.join(dir, storeFile);
  // Belt and braces: the pattern already forbids separators, this keeps the promise if it ever changes.
  if (path.dirname(full) !== dir)
    throw new ValidationError(`"${storeFile}" is not a valid file name in the image store.`);
  return full;
}

/** The final name of an image's file; the disk format makes it recognisable on disk. */
export function storeFileName(imageId: string, diskFormat: string): string {
  return `${imageId}.${diskFormat}`;
}

const TEMP_SUFFIX = '.upload';

/** The name an upload or import is written under until it is complete and verified; never read as an image. */
export function uploadTempName(imageId: string): string {
  return `${imageId}${TEMP_SUFFIX}`;
}

export function uploadTempPath(imageId: string): string {
  return storedImagePath(uploadTempName(imageId));
}

/** Bytes free to unprivileged writers on the store's file system. */
export async function storeFreeBytes(): Promise<number> {
  const dir = imageStoreDir();
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const stats = await fs.promises.statfs(dir);
  return stats.bavail * stats.bsize;
}

type ReceiveOptions = {
  imageId: string;
  diskFormat: string;
  body: UploadBody;
  /** The announced Content-Length; the body must have exactly this many bytes. */
  contentLength: number;
  /** Checksums the user gave; each one given must match what was received. */
  expected?: ExpectedChecksums;
  /** Aborts the transfer, e.g. when the client disconnects (request.signal). */
  signal?: AbortSignal;
};

/**
 * Streams an upload into the store, hashing SHA-256 and MD5 in the same pass, and only puts it
 * under its final name once it is complete, verified and on disk. Any failure, an aborted request
 * included, removes the partial file: the store holds whole, verified files or nothing.
 * Memory stays flat: chunks flow through with the stream's own backpressure.
 */
export async function receiveImageUpload(options: ReceiveOptions): Promise<ReceivedImage> {
  const { imageId, diskFormat, contentLength, expected, signal } = options;
  const storeFile = storeFileName(imageId, diskFormat);
  const finalPath = storedImagePath(storeFile);
  const tempPath = uploadTempPath(imageId);
  await fs.promises.mkdir(imageStoreDir(), { recursive: true, mode: 0o700 });

  try {
    // The sink fsyncs before it finishes, so the rename below never publishes a file still in the page cache.
    const sink = storeFileSink(tempPath, contentLength);
    await pipeline(toNodeReadable(options.body), sink, { signal });
    if (sink.bytes !== contentLength) {
      throw new ValidationError(
        `The upload ended after ${sink.bytes} of ${contentLength} bytes; nothing was stored. Try again.`,
      );
    }
    const received = { storeFile, sizeBytes: sink.bytes, ...sink.digests() };
    verifyChecksums(expected, received);
    await refuseUnlessSelfContained(tempPath, ValidationError);
    await fs.promises.rename(tempPath, finalPath);
    await syncDirectory(imageStoreDir());
    return received;
  } catch (err) {
    await fs.promises.rm(tempPath, { force: true });
    if (signal?.aborted) throw new ValidationError('The upload was cancelled before it finished; nothing was stored.');
    throw storeFullOr(err, 'the upload');
  }
}

/** A disk that filled up mid-stream is said plainly; the caller has already removed the partial file. */
export function storeFullOr(err: unknown, what: string): unknown {
  if ((err as NodeJS.ErrnoException | null)?.code !== 'ENOSPC') return err;
  return new StoreFullError(
    `The portal's image store ran out of space while receiving ${what}; nothing was stored. Free some space and try again.`,
  );
}

/**
 * At start-up, a temporary file in the store that no live process is writing (by its reservation,
 * lib/store/reservations.ts) was cut off by a stop: it is removed, and its image stays pending for a
 * new upload. Files another portal process sharing the store is still receiving are left alone.
 */
export async function removeAbandonedTempFiles(): Promise<number> {
  const dir = imageStoreDir();
  if (!fs.existsSync(dir)) return 0;
  await dropLapsedReservations();
  const abandoned = [];
  for (const name of fs.readdirSync(dir))
    if (name.endsWith(TEMP_SUFFIX) && !(await isTempFileHeld(name))) abandoned.push(name);
  for (const name of abandoned) fs.rmSync(path.join(dir, name), { force: true });
  return abandoned.length;
}

/** Removes a file from the store, e.g. when the database refused to record it. */
export async function removeStoredImage(storeFile: string): Promise<void> {
  await fs.promises.rm(storedImagePath(storeFile), { force: true });
}

/**
 * Where an upload or import is written: the temporary file, fsynced once complete, with its SHA-256,
 * MD5 and SHA-1 hashed on the way (lib/store/hashed-file.ts); more than `limit` bytes stop it.
 * SHA-1 is what IMGAPI manifests name a file by (lib/imgapi), so every file in the store gets all three.
 */
export function storeFileSink(
  tempPath: string,
  limit: number,
  tooLarge: () => Error = () =>
    new ValidationError(`The upload is larger than its announced ${limit} bytes; nothing was stored.`),
): HashingFileSink<'sha256' | 'md5' | 'sha1'> {
  return new HashingFileSink(tempPath, ['sha256', 'md5', 'sha1'], {
    expectedBytes: limit,
    onBytes: (bytes) => (bytes > limit ? tooLarge() : undefined),
  });
}

function verifyChecksums(expected: ExpectedChecksums | undefined, received: ReceivedImage): void {
  for (const [label, key] of [
    ['SHA-256', 'sha256'],
    ['MD5', 'md5'],
  ] as const) {
    const want = expected?.[key]?.toLowerCase();
    if (want && want !== received[key]) {
      throw new ValidationError(
        `Checksum mismatch: the ${label} given for this image is ${want}, but the uploaded file's is ${received[key]}. The file was discarded.`,
      );
    }
  }
}

function toNodeReadable(body: UploadBody): Readable {
  if (!body) return Readable.from([]);
  if (body instanceof Readable) return body;
  // The DOM and node:stream/web stream types describe the same runtime object.
  return Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>);
}

/** Makes the rename itself durable across a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
