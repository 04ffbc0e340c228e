import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getConfig, type PortalConfig } from '@/lib/config';

/**
 * The keys that seal SSH private keys at rest. They are kept apart from AUTH_SECRET so that rotating
 * it to end every session leaves the stored keys readable. A key is any string of 32 or more
 * characters (PORTAL_ENCRYPTION_KEY, or one generated into `$PORTAL_DATA_DIR/encryption-key`); the
 * AES key is derived from it with HKDF, so the string's own shape does not matter.
 *
 * A sealed value names its key by id, so reading looks the key up among every key this portal can
 * see: the environment's two and the key files, including the `.next` and `.previous` a rotation
 * leaves (lib/credentials/rotation.ts). A crash at any point of a rotation, or a portal that keeps
 * running through one, therefore still finds the key of every value.
 */
export type SealingKey = { id: string; key: Buffer };

export const MIN_KEY_LENGTH = 32;
const INFO = 'cloud-broker-portal/credentials/v2';

export function deriveKey(material: string): SealingKey {
  const key = Buffer.from(crypto.hkdfSync('sha256', material, Buffer.alloc(0), INFO, 32));
  // Short enough to read out in an error, long enough that two keys never share one.
  const id = crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
  return { id, key };
}

export function generateKeyMaterial(): string {
  return crypto.randomBytes(48).toString('base64url');
}

export function keyFiles(dataDir = getConfig().dataDir) {
  const current = path.join(dataDir, 'encryption-key');
  return { current, next: `${current}.next`, previous: `${current}.previous` };
}

/**
 * The key new values are sealed with. The file is read on every call (sealing is rare) so that a
 * rotation by another process is followed at once.
 */
export function currentKey(): SealingKey {
  const config = getConfig();
  return deriveKey(config.encryptionKey ?? createKeyFileOnce(keyFiles(config.dataDir).current, generateKeyMaterial()));
}

let ring: { config: PortalConfig; keys: Map<string, SealingKey> } | undefined;

/**
 * The key with this id, if the portal has it. An unknown id re-reads the key files once: another
 * process may have rotated the key since they were last read.
 */
export function getKey(id: string): SealingKey | undefined {
  const config = getConfig();
  if (ring?.config !== config) ring = { config, keys: loadKeys(config) };
  if (!ring.keys.has(id)) ring = { config, keys: loadKeys(config) };
  return ring.keys.get(id);
}

function loadKeys(config: PortalConfig): Map<string, SealingKey> {
  const files = keyFiles(config.dataDir);
  // Files are read even with the key in the environment, so values sealed before it was set stay readable.
  const materials = [
    config.encryptionKey,
    config.previousEncryptionKey,
    ...[files.current, files.next, files.previous].map(readKeyFile),
  ];
  const keys = new Map<string, SealingKey>();
  for (const material of materials) {
    if (material === undefined) continue;
    const key = deriveKey(material);
    keys.set(key.id, key);
  }
  return keys;
}

export function readKeyFile(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (text.length < MIN_KEY_LENGTH)
    throw new Error(`${file} holds no usable encryption key (it needs at least ${MIN_KEY_LENGTH} characters).`);
  return text;
}

/**
 * Creates the key file with `material` unless it exists, and returns what the file holds. The key is
 * written whole (flag `wx`, mode 0600, fsync) to a file of its own and then linked into place: a link
 * fails if the name exists, so two processes starting together agree on one key, and neither can
 * read the other's half-written file.
 */
export function createKeyFileOnce(file: string, material: string): string {
  const existing = readKeyFile(file);
  if (existing !== undefined) return existing;
  const staged = `${file}.${crypto.randomUUID()}.tmp`;
  writeSynced(staged, material, 'wx');
  try {
    fs.linkSync(staged, file);
    syncDirectory(path.dirname(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(staged, { force: true });
  }
  return readKeyFile(file)!;
}

/** Replaces a key file atomically: the whole new content, or the old one, never a part. */
export function replaceKeyFile(file: string, material: string): void {
  const staged = `${file}.${crypto.randomUUID()}.tmp`;
  writeSynced(staged, material, 'wx');
  renameSynced(staged, file);
}

export function renameSynced(from: string, to: string): void {
  fs.renameSync(from, to);
  syncDirectory(path.dirname(to));
}

function writeSynced(file: string, material: string, flag: 'wx'): void {
  const fd = fs.openSync(file, flag, 0o600);
  try {
    fs.writeSync(fd, material);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a new or renamed file's name durable, not only its content. */
function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
