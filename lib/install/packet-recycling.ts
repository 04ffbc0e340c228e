import 'server-only';
import crypto from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';

/**
 * ssh2 gives every SSH packet it sends a fresh buffer (a 32 KiB upload packet to OpenSSH each, so
 * 32,768 a GiB) and draws each one's few bytes of padding with a randomFillSync call of its own.
 * The buffers live outside V8's heap: every 32 MiB of them sets off a scavenge, the ones still
 * queued on the socket at that moment are promoted, and the old generation grows by them until V8
 * marks the whole heap, back to back when the machine is busy (bench/README.md: up to a
 * core-second per GiB pushed, on the transfer's only thread). Here a connection reuses its packet
 * buffers once the socket has taken them, and draws padding from a pool of random bytes.
 *
 * This reaches into ssh2 1.17's internals: the SFTP channel's protocol, its cipher's `allocPacket`
 * and `_onWrite`, the client's socket. Only the AES-GCM cipher of ssh2's native binding is
 * recycled, and only once a packet laid out here matches ssh2's own byte for byte; anything else
 * leaves the connection as ssh2 made it, so a changed ssh2 costs speed, never correctness.
 */

/** The cipher class this knows the packet layout of (ssh2/lib/protocol/crypto.js). */
const KNOWN_CIPHER = 'AESGCMCipherBinding';
const GCM_BLOCK = 16;
const GCM_TAG = 16;
/** Smaller packets (window adjustments, SFTP opens) are rare; they are allocated as ssh2 does. */
const RECYCLED_MIN_BYTES = 16 * 1024;
/** Spare buffers kept per size: the 2 MiB SSH window never lets more than this be in flight. */
const SPARE_MAX = 64;
const PADDING_POOL_BYTES = 16 * 1024;

type Cipher = {
  allocPacket: (payloadLength: number) => Buffer;
  _onWrite: (packet: Buffer) => void;
  constructor: { name: string };
};
type Socket = {
  writable: boolean;
  _readableState?: { ended: boolean };
  write: (data: Buffer, done: (err?: Error | null) => void) => boolean;
};
type Internals = { _protocol?: { _cipher?: unknown }; _client?: { _sock?: unknown } };

/**
 * Recycles the packets of the connection under `sftp`. Call `refresh()` now and then: a rekey
 * replaces the cipher, and the new one is taken over at the next call. `active()` says whether
 * the current cipher's packets are recycled (false where ssh2 is not as this expects).
 */
export function recyclePackets(sftp: SFTPWrapper): { refresh: () => void; active: () => boolean } {
  const internals = sftp as unknown as Internals;
  const socket = internals._client?._sock as Socket | undefined;
  const spares = new Map<number, Buffer[]>();
  const ours = new WeakSet<Buffer>();
  const padding = { pool: Buffer.alloc(0), at: 0 };
  let patched: unknown;
  let active = false;

  const allocate = (payloadLength: number): Buffer => {
    // RFC 5647: padding_length, payload and padding fill whole blocks, with at least 4 bytes of padding.
    let packetLength = 4 + 1 + payloadLength;
    let padLength = GCM_BLOCK - ((packetLength - 4) & (GCM_BLOCK - 1));
    if (padLength < 4) padLength += GCM_BLOCK;
    packetLength += padLength;
    const bytes = packetLength + GCM_TAG;
    let packet = spares.get(bytes)?.pop();
    if (!packet) {
      packet = Buffer.allocUnsafe(bytes);
      if (bytes >= RECYCLED_MIN_BYTES) ours.add(packet);
    }
    packet.writeUInt32BE(packetLength - 4, 0);
    packet[4] = padLength;
    // Padding is encrypted with the packet; random bytes drawn in bulk are as random as drawn one by one.
    if (padding.at + padLength > padding.pool.length) {
      padding.pool = crypto.randomBytes(PADDING_POOL_BYTES);
      padding.at = 0;
    }
    padding.pool.copy(packet, 5 + payloadLength, padding.at, padding.at + padLength);
    padding.at += padLength;
    return packet;
  };

  const send = (packet: Buffer): void => {
    // As ssh2's own onWrite (its isWritable): nothing is written to a socket that is closing.
    if (!socket?.writable || socket._readableState?.ended !== false) return;
    socket.write(packet, (err) => {
      // Once the socket has called back, it holds no reference to the packet's bytes.
      if (err || !ours.has(packet)) return;
      let list = spares.get(packet.length);
      if (!list) spares.set(packet.length, (list = []));
      if (list.length < SPARE_MAX) list.push(packet);
    });
  };

  const refresh = () => {
    const cipher = internals._protocol?._cipher as Cipher | undefined;
    if (!socket || !cipher || cipher === patched) return;
    patched = cipher;
    active = cipher.constructor.name === KNOWN_CIPHER && layoutMatches(cipher, allocate);
    if (!active) return;
    cipher.allocPacket = allocate;
    cipher._onWrite = send;
  };
  refresh();
  return { refresh, active: () => active };
}

/** ssh2's packet and ours for the same payload agree on everything but the random padding. */
function layoutMatches(cipher: Cipher, allocate: (payloadLength: number) => Buffer): boolean {
  if (typeof cipher.allocPacket !== 'function' || typeof cipher._onWrite !== 'function') return false;
  return [0, 1, 27, 32_777].every((payloadLength) => {
    const theirs = cipher.allocPacket(payloadLength);
    const mine = allocate(payloadLength);
    return theirs.length === mine.length && theirs.subarray(0, 5).equals(mine.subarray(0, 5));
  });
}
