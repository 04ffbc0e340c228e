import 'server-only';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { SFTPWrapper } from 'ssh2';
import { TransientError, UnavailableError } from '@/lib/errors';
import type { SshSession } from '@/lib/ssh/session';
import type { StoredFileReader } from '@/lib/store/backend';
import { countPush, InFlightLimit } from './in-flight-limit';
import { recyclePackets } from './packet-recycling';
import { sftpWriter } from './sftp-write';

/**
 * Push mode: the portal streams a file from its image store to the node's `.part` over SFTP,
 * hashing every byte it reads in the same pass unless the caller trusts the file. Writes are
 * pipelined (several requests in flight, as OpenSSH's own sftp does) and bounded, so memory stays
 * flat whatever the image size. Per byte, the portal's CPU goes to AES-GCM and the socket, not to
 * allocating: writes are framed from the read block (./sftp-write.ts) and SSH packet buffers are
 * reused (./packet-recycling.ts).
 */

// Each write is as large as OpenSSH accepts in one request (its limits@openssh.com says 255 KiB;
// ssh2 splits larger ones): a quarter of the requests of 64 KiB writes, and measurably less CPU
// on the transfer's only thread. The store is read four writes at a time.
const WRITE_BYTES = 255 * 1024;
const READ_BYTES = 4 * WRITE_BYTES;

export type PushOptions = {
  /** Bytes already on the node: the transfer continues from here. */
  offset: number;
  signal?: AbortSignal;
  /** After each acknowledged write: the bytes the node holds. */
  onProgress?: (bytesOnNode: number) => void;
  /** As each write leaves: its length. Counts bytes sent even when no acknowledgement comes back. */
  onSent?: (bytes: number) => void;
  /** Hash every byte of the file in the same pass; false when the caller already trusts the file. */
  hash: boolean;
};

/** `sha256` is null when the push was asked not to hash. */
export type PushResult = { sha256: string | null; bytesSent: number };

/** Sends the store file `file` reads to `remotePart` on the node; the caller opens and closes `file`. */
export async function pushFile(
  session: SshSession,
  file: StoredFileReader,
  remotePart: string,
  options: PushOptions,
): Promise<PushResult> {
  const size = file.size;
  if (options.offset > size) throw new UnavailableError('The partial transfer on the node is larger than the image.');
  const hash = options.hash ? crypto.createHash('sha256') : null;
  const sftp = await session.sftp();
  const stopped = rejectWhenStopped(session, options.signal);
  const uncount = countPush();
  try {
    // The bytes already on the node are hashed from the store, so the digest covers the whole file.
    if (hash) await hashRange(file, 0, options.offset, hash);
    const handle = await Promise.race([
      sftpCall<Buffer>((cb) => sftp.open(remotePart, options.offset > 0 ? 'r+' : 'w', cb)),
      stopped.promise,
    ]);
    let bytesSent: number;
    try {
      bytesSent = await Promise.race([
        writeFrom({ file, sftp, handle, size, options, hash, stopped: stopped.promise }),
        stopped.promise,
      ]);
    } finally {
      // A dropped connection never answers the close; the session's own end settles it then.
      await Promise.race([sftpCall<void>((cb) => sftp.close(handle, cb)).catch(() => undefined), session.closed]);
    }
    return { sha256: hash?.digest('hex') ?? null, bytesSent };
  } catch (err) {
    throw err instanceof UnavailableError
      ? err
      : new TransientError(`The transfer to the node failed: ${(err as Error).message}`);
  } finally {
    uncount();
    stopped.dispose();
    sftp.end();
  }
}

type Transfer = {
  file: StoredFileReader;
  sftp: SFTPWrapper;
  handle: Buffer;
  size: number;
  options: PushOptions;
  hash: crypto.Hash | null;
  stopped: Promise<never>;
};

async function writeFrom({ file, sftp, handle, size, options, hash, stopped }: Transfer): Promise<number> {
  const packets = recyclePackets(sftp);
  const writer = sftpWriter(sftp);
  let position = options.offset;
  let acknowledged = options.offset;
  let inFlight = 0;
  const limit = new InFlightLimit();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  // A read block is reused once every write from it is acknowledged: allocating a fresh
  // megabyte per read kept the garbage collector busy on the transfer's only thread.
  const spare: Buffer[] = [];
  // A stop (the user's, or the connection dropping) ends every wait below as a failed write does.
  // Listened to once: racing it on every wait left one more reaction on it per write.
  void stopped.catch((err: Error) => {
    failure ??= err;
    wake?.();
  });
  // Waits until at most `max` writes are in flight and, while any are, until the SSH window takes
  // the next write whole (writes beyond it would only wait in ssh2, copied); rejects as soon as
  // one failed or the transfer stopped, so no wait outlives the connection.
  const drain = async (max: number, next = 0) => {
    const waiting = () => inFlight > max || (inFlight > 0 && next > 0 && !writer.fits(handle, next));
    while (waiting() && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };
  while (position < size) {
    if (options.signal?.aborted) throw new UnavailableError('The transfer was stopped.');
    packets.refresh();
    const block = spare.pop() ?? Buffer.allocUnsafe(READ_BYTES);
    const bytesRead = await file.read(block, 0, Math.min(READ_BYTES, size - position), position);
    if (bytesRead === 0) throw new UnavailableError('The image in the store is shorter than it was a moment ago.');
    hash?.update(block.subarray(0, bytesRead));
    let unacknowledged = Math.ceil(bytesRead / WRITE_BYTES);
    for (let at = 0; at < bytesRead; at += WRITE_BYTES) {
      const length = Math.min(WRITE_BYTES, bytesRead - at);
      await drain(limit.value - 1, length);
      const remoteAt = position + at;
      inFlight++;
      options.onSent?.(length);
      const sentAt = performance.now();
      writer.write(handle, block, at, length, remoteAt, (err) => {
        if (err) failure ??= err;
        else {
          limit.acknowledged(performance.now() - sentAt);
          acknowledged += length;
          options.onProgress?.(acknowledged);
        }
        if (--unacknowledged === 0) spare.push(block);
        inFlight--;
        wake?.();
      });
    }
    position += bytesRead;
  }
  await drain(0);
  return position - options.offset;
}

async function hashRange(file: StoredFileReader, start: number, end: number, hash: crypto.Hash): Promise<void> {
  const block = Buffer.allocUnsafe(READ_BYTES);
  for (let at = start; at < end;) {
    const bytesRead = await file.read(block, 0, Math.min(READ_BYTES, end - at), at);
    if (bytesRead === 0)
      throw new UnavailableError('The image in the store is shorter than the part already on the node.');
    hash.update(block.subarray(0, bytesRead));
    at += bytesRead;
  }
}

/** Rejects when a user stops the job or the SSH connection goes away mid-transfer. */
function rejectWhenStopped(session: SshSession, signal: AbortSignal | undefined) {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new UnavailableError('The transfer was stopped.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    void session.closed.then(() => reject(new TransientError('The transfer was cut off: the SSH connection closed.')));
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal?.removeEventListener('abort', onAbort) };
}

function sftpCall<T>(start: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value as T))));
}
