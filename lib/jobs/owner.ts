import 'server-only';
import crypto from 'node:crypto';
import os from 'node:os';

const globalForOwner = globalThis as unknown as { __portalJobOwner?: string };

/** This process's owner id: host, pid and a random part, so a reused pid is never mistaken for it. */
export function jobOwnerId(): string {
  return (globalForOwner.__portalJobOwner ??= `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`);
}
