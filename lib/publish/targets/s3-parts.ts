import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline, Readable, Transform } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { partCount } from '@/lib/s3/parts';

/**
 * The file reading of a multipart upload (its arithmetic is lib/s3/parts.ts). Parts are read from
 * the file as streams, never buffered whole, so memory stays flat whatever the part size.
 */

/** A stream of the file's bytes from `start`, `length` of them; `onBytes` hears how many were read so far. */
export function rangeStream(file: string, start: number, length: number, onBytes?: (read: number) => void): Readable {
  if (length === 0) return Readable.from([]);
  const source = fs.createReadStream(file, { start, end: start + length - 1 });
  if (!onBytes) return source;
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      onBytes(read);
      callback(null, chunk);
    },
  });
  // A read error destroys the counter too, so the request reading it fails instead of hanging.
  pipeline(source, counter, () => {});
  return counter;
}

/** SHA-256 of a range of the file, base64 as S3 writes checksums. */
export async function rangeSha256(file: string, start: number, length: number, signal: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  if (length > 0) await pipelineAsync(rangeStream(file, start, length), hash, { signal });
  return hash.digest('base64');
}

/** Each part's MD5 and SHA-256, in one pass over the file: what S3's multipart ETag and composite checksum are made of. */
export async function partDigests(
  file: string,
  size: number,
  partSize: number,
  signal: AbortSignal,
): Promise<{ md5: Buffer[]; sha256: Buffer[] }> {
  const result = { md5: [] as Buffer[], sha256: [] as Buffer[] };
  let md5 = crypto.createHash('md5');
  let sha256 = crypto.createHash('sha256');
  let inPart = 0;
  const finishPart = () => {
    result.md5.push(md5.digest());
    result.sha256.push(sha256.digest());
    md5 = crypto.createHash('md5');
    sha256 = crypto.createHash('sha256');
    inPart = 0;
  };
  for await (const data of fs.createReadStream(file, { signal })) {
    let chunk = data as Buffer;
    while (chunk.length > 0) {
      const take = Math.min(chunk.length, partSize - inPart);
      md5.update(chunk.subarray(0, take));
      sha256.update(chunk.subarray(0, take));
      inPart += take;
      chunk = chunk.subarray(take);
      if (inPart === partSize) finishPart();
    }
  }
  if (inPart > 0 || result.md5.length < partCount(size, partSize)) finishPart();
  return result;
}

/** S3's ETag of a multipart object: the MD5 of the parts' MD5s, and their count. */
export function multipartEtag(partMd5s: Buffer[]): string {
  return `${crypto.createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
}

/** S3's composite SHA-256 of a multipart object: the SHA-256 of the parts' SHA-256s, base64, and their count. */
export function compositeSha256(partSha256s: Buffer[]): string {
  return `${crypto.createHash('sha256').update(Buffer.concat(partSha256s)).digest('base64')}-${partSha256s.length}`;
}

/**
 * Runs `work` over `items`, at most `limit` at a time. After a failure it starts no more and
 * waits for those under way, so nothing runs on once the caller sees the error.
 */
export async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}
