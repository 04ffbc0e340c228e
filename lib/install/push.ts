import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { SFTPWrapper } from 'ssh2';
import { TransientError, UnavailableError } from '@/lib/errors';
import type { SshSession } from '@/lib/ssh/session';

/**
 * Push mode: the portal streams a file from its image store to the node's `.part` over SFTP,
 * hashing every byte it reads in the same pass. Writes are pipelined (several requests in flight, as
 * OpenSSH's own sftp does) and bounded, so memory stays flat whatever the image size.
 */

// Each write is as large as OpenSSH accepts in one request (its limits@openssh.com says 255 KiB;
// ssh2 splits larger ones): a quarter of the requests of 64 KiB writes, and measurably less CPU
// on the transfer's only thread. The store is read four writes at a time.
const WRITE_BYTES = 255 * 1024;
const READ_BYTES = 4 * WRITE_BYTES;
// Writes in flight. Whatever is in flight beyond what the link itself carries waits in the node's
// sshd, in a buffer OpenSSH grows by reallocating and copying it. With the whole 2 MiB SSH window
// queued there (32 writes in flight), a fresh connection took over a second to get its first
// 2 MiB acknowledged and the node spent up to twice the CPU per byte (bench/README.md). So the
// push keeps only what the link needs in flight: MIN_IN_FLIGHT (1.5 MiB) is plenty on a LAN, and
// InFlightLimit adds writes while they come back as fast as the fastest one did (a long link needs
// more) and takes them away again once several writes' worth are queued.
// Pushes running in this process share its one thread: while it serves the others, a push's
// acknowledgements wait, so each needs a deeper pipeline to keep its node busy. The floor is
// MIN_IN_FLIGHT per push running (with 4 in parallel, 24 each: the fan-out lost a quarter of its
// speed with 6).
const MIN_IN_FLIGHT = 6;
let pushesRunning = 0;
const MAX_IN_FLIGHT = 32;
// Writes queued beyond what the link carries: fewer than QUEUE_LOW grows the limit, more than
// QUEUE_HIGH shrinks it.
const QUEUE_LOW = 2;
const QUEUE_HIGH = 4;

export type PushOptions = {
  /** Bytes already on the node: the transfer continues from here. */
  offset: number;
  signal?: AbortSignal;
  /** After each acknowledged write: the bytes the node holds. */
  onProgress?: (bytesOnNode: number) => void;
  /** As each write leaves: its length. Counts bytes sent even when no acknowledgement comes back. */
  onSent?: (bytes: number) => void;
};

export type PushResult = { sha256: string; bytesSent: number };

export async function pushFile(
  session: SshSession,
  localPath: string,
  remotePart: string,
  options: PushOptions,
): Promise<PushResult> {
  const size = (await fs.promises.stat(localPath)).size;
  if (options.offset > size) throw new UnavailableError('The partial transfer on the node is larger than the image.');
  const hash = crypto.createHash('sha256');
  const sftp = await session.sftp();
  const stopped = rejectWhenStopped(session, options.signal);
  const file = await fs.promises.open(localPath, 'r');
  pushesRunning++;
  try {
    // The bytes already on the node are hashed from the store, so the digest covers the whole file.
    await hashRange(file, 0, options.offset, hash);
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
    return { sha256: hash.digest('hex'), bytesSent };
  } catch (err) {
    throw err instanceof UnavailableError
      ? err
      : new TransientError(`The transfer to the node failed: ${(err as Error).message}`);
  } finally {
    pushesRunning--;
    stopped.dispose();
    await file.close();
    sftp.end();
  }
}

type Transfer = {
  file: fs.promises.FileHandle;
  sftp: SFTPWrapper;
  handle: Buffer;
  size: number;
  options: PushOptions;
  hash: crypto.Hash;
  stopped: Promise<never>;
};

async function writeFrom({ file, sftp, handle, size, options, hash, stopped }: Transfer): Promise<number> {
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
  // Waits until at most `max` writes are in flight; rejects as soon as one failed or the transfer
  // stopped, so no wait outlives the connection.
  const drain = async (max: number) => {
    while (inFlight > max && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };
  while (position < size) {
    if (options.signal?.aborted) throw new UnavailableError('The transfer was stopped.');
    const block = spare.pop() ?? Buffer.allocUnsafe(READ_BYTES);
    const { bytesRead } = await file.read(block, 0, Math.min(READ_BYTES, size - position), position);
    if (bytesRead === 0) throw new UnavailableError('The image in the store is shorter than it was a moment ago.');
    hash.update(block.subarray(0, bytesRead));
    let unacknowledged = Math.ceil(bytesRead / WRITE_BYTES);
    for (let at = 0; at < bytesRead; at += WRITE_BYTES) {
      await drain(limit.value - 1);
      const length = Math.min(WRITE_BYTES, bytesRead - at);
      const remoteAt = position + at;
      inFlight++;
      options.onSent?.(length);
      const sentAt = performance.now();
      sftp.write(handle, block, at, length, remoteAt, (err) => {
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

/**
 * How many writes may be in flight, after TCP Vegas: the fastest round trip seen is the link's
 * own, and the amount by which the current round trips exceed it says how many writes sit in a
 * queue (the node's, mostly) rather than on the link. Adjusted once per round of writes.
 */
class InFlightLimit {
  private limit = MIN_IN_FLIGHT;
  private fastest = Infinity;
  private smoothed = 0;
  private untilAdjust = MIN_IN_FLIGHT;

  get value(): number {
    return Math.max(this.limit, this.floor());
  }

  acknowledged(roundTripMs: number): void {
    this.fastest = Math.min(this.fastest, roundTripMs);
    this.smoothed = this.smoothed === 0 ? roundTripMs : this.smoothed + (roundTripMs - this.smoothed) / 8;
    if (--this.untilAdjust > 0) return;
    const queued = this.value * (1 - this.fastest / this.smoothed);
    if (queued < QUEUE_LOW) this.limit = Math.min(MAX_IN_FLIGHT, this.value + 1);
    else if (queued > QUEUE_HIGH) this.limit = Math.max(this.floor(), this.value - 1);
    this.untilAdjust = this.value;
  }

  private floor(): number {
    return Math.min(MAX_IN_FLIGHT, MIN_IN_FLIGHT * Math.max(1, pushesRunning));
  }
}

async function hashRange(file: fs.promises.FileHandle, start: number, end: number, hash: crypto.Hash): Promise<void> {
  const block = Buffer.allocUnsafe(READ_BYTES);
  for (let at = start; at < end;) {
    const { bytesRead } = await file.read(block, 0, Math.min(READ_BYTES, end - at), at);
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
