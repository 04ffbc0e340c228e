import 'server-only';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { getConfig } from '@/lib/config';
import { ValidationError } from '@/lib/errors';
import type { ImageStore, StoreDigests } from './backend';
import { LocalImageStore } from './local-store';
import { storeFileName, uploadTempName } from './names';
import { dropLapsedReservations, isTempFileHeld, StoreFullError } from './reservations';
import { S3ImageStore } from './s3/s3-store';

/**
 * The portal's own image store: one file per image, named by the image id (lib/store/names.ts), in
 * a directory of this host or in an S3 bucket (lib/store/location.ts). What goes in is streamed,
 * hashed and checked, and only then gets its name.
 */

export type ReceivedImage = { storeFile: string; sizeBytes: number } & StoreDigests;
export type ExpectedChecksums = { sha256?: string | null; md5?: string | null };
export type UploadBody = ReadableStream<Uint8Array> | Readable | null;

const stores = new Map<string, ImageStore>();

/** The store the configuration names; one per process and location. */
export function imageStore(): ImageStore {
  const { store, scratchDir } = getConfig();
  const key = JSON.stringify(store);
  let found = stores.get(key);
  if (!found) {
    found = store.kind === 'local' ? new LocalImageStore(store.dir) : new S3ImageStore(store, scratchDir);
    stores.set(key, found);
  }
  return found;
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
 * Streams an upload into the store, hashing SHA-256, MD5 and SHA-1 in the same pass, and only gives
 * it its name once it is complete, verified and durable. Any failure, an aborted request included,
 * drops what was written: the store holds whole, verified files or nothing. Memory stays flat:
 * chunks flow through with the stream's own backpressure.
 */
export async function receiveImageUpload(options: ReceiveOptions): Promise<ReceivedImage> {
  const { imageId, contentLength, expected, signal } = options;
  const storeFile = storeFileName(imageId, options.diskFormat);
  const incoming = await imageStore().receive({
    storeFile,
    tempName: uploadTempName(imageId),
    limit: contentLength,
    tooLarge: () =>
      new ValidationError(`The upload is larger than its announced ${contentLength} bytes; nothing was stored.`),
  });
  try {
    await pipeline(toNodeReadable(options.body), incoming.sink, { signal });
    if (incoming.sink.bytes !== contentLength) {
      throw new ValidationError(
        `The upload ended after ${incoming.sink.bytes} of ${contentLength} bytes; nothing was stored. Try again.`,
      );
    }
    const received = { storeFile, sizeBytes: incoming.sink.bytes, ...incoming.sink.digests() };
    verifyChecksums(expected, received);
    await incoming.commit(ValidationError);
    return received;
  } catch (err) {
    await incoming.discard();
    if (signal?.aborted) throw new ValidationError('The upload was cancelled before it finished; nothing was stored.');
    throw storeFullOr(err, 'the upload');
  }
}

/** A disk that filled up mid-stream is said plainly; the caller has already dropped the partial file. */
export function storeFullOr(err: unknown, what: string): unknown {
  if ((err as NodeJS.ErrnoException | null)?.code !== 'ENOSPC') return err;
  return new StoreFullError(
    `The portal's image store ran out of space while receiving ${what}; nothing was stored. Free some space and try again.`,
  );
}

/**
 * At start-up, a file in flight that no live process is writing (by its reservation,
 * lib/store/reservations.ts) was cut off by a stop: it is dropped, and its image stays pending for a
 * new upload. Files another portal process sharing the store is still receiving are left alone.
 */
export async function removeAbandonedTempFiles(): Promise<number> {
  await dropLapsedReservations();
  return await imageStore().removeAbandoned(isTempFileHeld);
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
