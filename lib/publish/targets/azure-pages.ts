import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { PageBlobClient } from '@azure/storage-blob';

/**
 * Writes a file into a page blob of its size, 4 MiB (the most one Put Page takes) at a time. Ranges
 * that are all zeros are not sent: a page blob reads as zeros where nothing was written, and a disk
 * image is mostly empty. Ranges the blob already holds (from an earlier attempt) are not sent
 * either. Memory stays at a few ranges' buffers, whatever the file's size.
 */

export const PAGE_RANGE_BYTES = 4 * 1024 * 1024;
// Ranges sent at once: enough to fill a link, few enough that a stop is quick.
const PARALLEL_RANGES = 3;
const ZEROS = Buffer.alloc(PAGE_RANGE_BYTES);

export type PageUpload = {
  signal: AbortSignal;
  /** Byte ranges (inclusive ends) the blob already holds. */
  written: { start: number; end: number }[];
  /** Bytes of the file the blob holds so far: sent, skipped as zeros, or already there. */
  onProgress: (bytesDone: number) => void;
};

/** Sends the file's non-zero ranges the blob does not hold yet; returns how many bytes were sent. */
export async function uploadPages(
  blob: PageBlobClient,
  file: string,
  size: number,
  options: PageUpload,
): Promise<number> {
  const { signal } = options;
  const handle = await fs.promises.open(file, 'r');
  let done = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  try {
    for (let offset = 0; offset < size && !failure; offset += PAGE_RANGE_BYTES) {
      signal.throwIfAborted();
      const length = Math.min(PAGE_RANGE_BYTES, size - offset);
      if (holds(options.written, offset, length)) {
        done += length;
        options.onProgress(done);
        continue;
      }
      while (inFlight.size >= PARALLEL_RANGES) await Promise.race(inFlight);
      if (failure) break;
      const buffer = Buffer.allocUnsafe(length);
      await readFully(handle, buffer, offset);
      if (buffer.equals(ZEROS.subarray(0, length))) {
        done += length;
        options.onProgress(done);
        continue;
      }
      const put = blob
        .uploadPages(buffer, offset, length, {
          abortSignal: signal,
          // Azure checks each range against its MD5, so a byte changed on the way fails that range.
          transactionalContentMD5: crypto.createHash('md5').update(buffer).digest(),
        })
        .then(
          () => {
            done += length;
            sent += length;
            options.onProgress(done);
          },
          (err: unknown) => {
            failure ??= { err };
          },
        )
        .finally(() => inFlight.delete(put));
      inFlight.add(put);
    }
    // Whatever is under way settles before the caller hears of a failure or of the end.
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await handle.close();
  }
  if (failure) throw failure.err;
  return sent;
}

/** True when one written range covers [offset, offset + length). */
function holds(written: PageUpload['written'], offset: number, length: number): boolean {
  return written.some((r) => r.start <= offset && r.end >= offset + length - 1);
}

async function readFully(handle: fs.promises.FileHandle, buffer: Buffer, position: number): Promise<void> {
  let read = 0;
  while (read < buffer.length) {
    const { bytesRead } = await handle.read(buffer, read, buffer.length - read, position + read);
    if (bytesRead === 0)
      throw new Error(`The file ended before byte ${position + buffer.length}; it changed while being sent.`);
    read += bytesRead;
  }
}

/** The byte ranges the page blob holds (written pages), merged where they touch. */
export async function writtenRanges(blob: PageBlobClient, signal: AbortSignal): Promise<PageUpload['written']> {
  const ranges: PageUpload['written'] = [];
  for await (const page of blob.listPageRanges(0, undefined, { abortSignal: signal })) {
    if (page.start === undefined || page.end === undefined || page.isClear) continue;
    const last = ranges.at(-1);
    if (last && last.end + 1 >= page.start) last.end = Math.max(last.end, page.end);
    else ranges.push({ start: page.start, end: page.end });
  }
  return ranges;
}
