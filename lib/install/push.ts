import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { SFTPWrapper } from 'ssh2';
import { TransientError, UnavailableError } from '@/lib/errors';
import type { SshSession } from '@/lib/ssh/session';

/**
 * Push mode: the portal streams a file from its image store to the node's `.part` over SFTP,
 * hashing every byte it reads in the same pass. Writes are pipelined (several requests in flight,
 * as OpenSSH's own sftp does) and bounded, so memory stays flat whatever the image size.
 */

// OpenSSH accepts writes up to 256 KiB less a little framing; larger ones are split by ssh2.
const CHUNK_BYTES = 255 * 1024;
// In-flight writes: enough to keep a fast link busy, and at most ~4 MiB of buffers.
const MAX_IN_FLIGHT = 16;

export type PushOptions = {
  /** Bytes already on the node: the transfer continues from here. */
  offset: number;
  signal?: AbortSignal;
  /** After each acknowledged write: bytes the node holds, and bytes this transfer has sent. */
  onProgress?: (bytesOnNode: number, bytesSent: number) => void;
};

export type PushResult = { sha256: string; bytesSent: number };

export async function pushFile(session: SshSession, localPath: string, remotePart: string, options: PushOptions): Promise<PushResult> {
  const size = (await fs.promises.stat(localPath)).size;
  if (options.offset > size) throw new UnavailableError('The partial transfer on the node is larger than the image.');
  const hash = crypto.createHash('sha256');
  // The bytes already on the node are hashed from the store, so the digest covers the whole file.
  await hashRange(localPath, 0, options.offset, hash);
  const sftp = await session.sftp();
  let bytesSent = 0;
  try {
    const handle = await sftpCall<Buffer>((cb) => sftp.open(remotePart, options.offset > 0 ? 'r+' : 'w', cb));
    const stopped = rejectWhenStopped(session, options.signal);
    try {
      bytesSent = await Promise.race([writeFrom(sftp, handle, localPath, size, options, hash), stopped.promise]);
    } finally {
      stopped.dispose();
      // A dropped connection never answers the close; the session's own end settles it then.
      await Promise.race([sftpCall<void>((cb) => sftp.close(handle, cb)).catch(() => undefined), session.closed]);
    }
  } catch (err) {
    throw err instanceof UnavailableError ? err : new TransientError(`The transfer to the node failed: ${(err as Error).message}`);
  } finally {
    sftp.end();
  }
  return { sha256: hash.digest('hex'), bytesSent };
}

async function writeFrom(
  sftp: SFTPWrapper,
  handle: Buffer,
  localPath: string,
  size: number,
  options: PushOptions,
  hash: crypto.Hash,
): Promise<number> {
  const file = await fs.promises.open(localPath, 'r');
  let position = options.offset;
  let acknowledged = options.offset;
  const inFlight = new Set<Promise<void>>();
  try {
    while (position < size) {
      if (options.signal?.aborted) throw new UnavailableError('The transfer was stopped.');
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - position));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw new UnavailableError('The image in the store is shorter than it was a moment ago.');
      hash.update(buffer.subarray(0, bytesRead));
      const at = position;
      position += bytesRead;
      const write = sftpCall<void>((cb) => sftp.write(handle, buffer, 0, bytesRead, at, cb)).then(() => {
        acknowledged += bytesRead;
        options.onProgress?.(acknowledged, position - options.offset);
      });
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write)).catch(() => undefined);
      if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await file.close();
  }
  return position - options.offset;
}

async function hashRange(localPath: string, start: number, end: number, hash: crypto.Hash): Promise<void> {
  if (end <= start) return;
  for await (const chunk of fs.createReadStream(localPath, { start, end: end - 1, highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
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
