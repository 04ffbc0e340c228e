import 'server-only';
import crypto from 'node:crypto';
import { getConfig } from '@/lib/config';
import { UnavailableError } from '@/lib/errors';
import { currentKey, getKey, type SealingKey } from './keyring';

/**
 * Private keys at rest: AES-256-GCM under the portal's encryption key (./keyring.ts), so the database
 * alone does not reveal them. Format `v2.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts after
 * the key id. The caller's `aad` (the credential's id) is authenticated with it, so a value copied
 * into another row does not decrypt; the key id lets a portal without that key say which one it needs.
 *
 * `v1.<iv>.<tag>.<ciphertext>` values were sealed under a key derived from AUTH_SECRET, with no AAD.
 * Opening the database reseals them as v2 (./legacy.ts); they are read here for that, and so that
 * one left behind fails with a clear error.
 */
const IV_BYTES = 12;
/** Passed explicitly: without it GCM accepts a truncated tag, which is easier to forge. */
const TAG_BYTES = 16;
const LEGACY_INFO = 'cloud-broker-portal/credentials/v1';

export function encryptSecret(plaintext: string, aad: string): string {
  return sealWith(currentKey(), plaintext, aad);
}

export function sealWith(key: SealingKey, plaintext: string, aad: string): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v2', key.id, ...[iv, cipher.getAuthTag(), ciphertext].map((p) => p.toString('base64url'))].join('.');
}

/** `lookup` finds a key by id; a rotation passes one that also knows the key it is moving to. */
export function decryptSecret(
  sealed: string,
  aad: string,
  lookup: (keyId: string) => SealingKey | undefined = getKey,
): string {
  if (sealed.startsWith('v1.')) return decryptLegacySecret(sealed);
  const [version, keyId, iv, tag, ciphertext, ...extra] = sealed.split('.');
  if (version !== 'v2' || !keyId || !iv || !tag || ciphertext === undefined || extra.length > 0) {
    throw new UnavailableError('A stored SSH key is in a format this portal does not recognise.');
  }
  const key = lookup(keyId);
  if (!key) {
    throw new UnavailableError(
      `A stored SSH key was encrypted with key ${keyId}, which this portal does not have; set PORTAL_ENCRYPTION_KEY to that key.`,
    );
  }
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new UnavailableError(
      `A stored SSH key could not be decrypted with key ${keyId}: it was altered, or belongs to another credential.`,
    );
  }
}

export function decryptLegacySecret(sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined)
    throw new UnavailableError('A stored SSH key is in a format this portal does not recognise.');
  try {
    const key = Buffer.from(crypto.hkdfSync('sha256', getConfig().authSecret, Buffer.alloc(0), LEGACY_INFO, 32));
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new UnavailableError(
      'A stored SSH key could not be decrypted: the portal secret has changed since it was saved.',
    );
  }
}
