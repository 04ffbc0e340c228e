import 'server-only';
import type { SFTPWrapper } from 'ssh2';

/**
 * SFTP WRITE requests sent straight from the caller's buffer. ssh2's `sftp.write` copies each
 * write into a fresh buffer of its own (255 KiB, outside V8's heap) before cutting it into SSH
 * packets: a GiB of them a GiB pushed, which keeps V8 scavenging and, on a busy machine, marking
 * the whole heap over and over (bench/README.md). Here the request's header and the first bytes
 * of data go through one reused packet-sized buffer, the rest of the data is handed to the channel
 * as views of the caller's buffer, which ssh2 copies into its packets at once, and the socket is
 * corked meanwhile, so the message's packets leave in one writev.
 *
 * This uses ssh2 1.17's SFTP internals (the channel's window and packet size, the request table
 * its STATUS handler answers from). A write is sent this way only when the channel's window takes
 * it whole and nothing of ssh2's own is queued on the channel, so requests never interleave;
 * otherwise, and whenever the internals are not as expected, it goes through `sftp.write`.
 */

// SSH_FXP_WRITE (draft-ietf-secsh-filexfer-02).
const SSH_FXP_WRITE = 6;

type Internals = {
  _protocol?: { channelData?: (channel: number, data: Buffer) => void };
  _client?: { _sock?: { cork?: () => void; uncork?: () => void } };
  outgoing?: { id: number; window: number; packetSize: number; state: string };
  _requests?: Record<number, { cb: (err?: Error) => void }>;
  _writeReqid?: number;
  _buffer?: unknown[];
  _waitWindow?: boolean;
  _maxWriteLen?: number;
};

type Corkable = { cork: () => void; uncork: () => void };

export type SftpWrite = (
  handle: Buffer,
  data: Buffer,
  at: number,
  length: number,
  position: number,
  done: (err?: Error) => void,
) => void;

export type SftpWriter = {
  write: SftpWrite;
  /**
   * Whether a write of `length` bytes would go out whole now, framed here: the channel's window
   * takes it and ssh2 has nothing queued. Otherwise `write` hands it to `sftp.write`, which copies
   * it and queues what the window does not take, as before.
   */
  fits: (handle: Buffer, length: number) => boolean;
};

/** Writes for this SFTP session; `done` is called once the node answers, as `sftp.write`'s callback is. */
export function sftpWriter(sftp: SFTPWrapper): SftpWriter {
  const s = sftp as unknown as Internals;
  const usable =
    typeof s._protocol?.channelData === 'function' &&
    typeof s.outgoing?.window === 'number' &&
    typeof s.outgoing.packetSize === 'number' &&
    typeof s._requests === 'object' &&
    typeof s._writeReqid === 'number' &&
    Array.isArray(s._buffer) &&
    typeof s._maxWriteLen === 'number';
  let scratch = Buffer.alloc(0);
  const channelData = (channel: number, data: Buffer) => s._protocol!.channelData!(channel, data);
  const sock = s._client?._sock;
  const socket = typeof sock?.cork === 'function' && typeof sock.uncork === 'function' ? (sock as Corkable) : undefined;

  const viaSsh2: SftpWrite = (handle, data, at, length, position, done) =>
    sftp.write(handle, data, at, length, position, (err) => done(err ?? undefined));
  // length, type, request id, handle, offset, data length.
  const headerBytes = (handle: Buffer) => 4 + 1 + 4 + (4 + handle.length) + 8 + 4;
  const fits = (handle: Buffer, length: number) => {
    if (!usable) return false;
    const out = s.outgoing!;
    return (
      out.state === 'open' &&
      s._buffer!.length === 0 &&
      !s._waitWindow &&
      out.window >= headerBytes(handle) + length &&
      length <= s._maxWriteLen! &&
      out.packetSize > headerBytes(handle)
    );
  };

  const write: SftpWrite = (handle, data, at, length, position, done) => {
    if (!fits(handle, length)) return viaSsh2(handle, data, at, length, position, done);
    const out = s.outgoing!;
    const header = headerBytes(handle);
    const reqid = (s._writeReqid! + 1) % 2 ** 32;
    s._writeReqid = reqid;
    s._requests![reqid] = { cb: (err) => done(err) };

    if (scratch.length < out.packetSize) scratch = Buffer.allocUnsafe(out.packetSize);
    let p = scratch.writeUInt32BE(header + length - 4, 0);
    p = scratch.writeUInt8(SSH_FXP_WRITE, p);
    p = scratch.writeUInt32BE(reqid, p);
    p = scratch.writeUInt32BE(handle.length, p);
    p += handle.copy(scratch, p);
    p = scratch.writeBigUInt64BE(BigInt(position), p);
    p = scratch.writeUInt32BE(length, p);
    const first = Math.min(length, out.packetSize - header);
    data.copy(scratch, p, at, at + first);

    // Every piece is copied into its SSH packet before channelData returns: the scratch buffer and
    // the caller's block are free for reuse as soon as this does. The socket is corked meanwhile,
    // so the message's packets leave in one writev rather than one write(2) each: on loopback
    // that took a sixth off the push's thread and some off the node's sshd (bench/README.md).
    socket?.cork();
    try {
      out.window -= header + first;
      channelData(out.id, scratch.subarray(0, header + first));
      for (let from = at + first, end = at + length; from < end;) {
        const piece = Math.min(out.packetSize, end - from);
        out.window -= piece;
        channelData(out.id, data.subarray(from, from + piece));
        from += piece;
      }
    } finally {
      socket?.uncork();
    }
  };
  return { write, fits };
}
