import 'server-only';
import crypto from 'node:crypto';
import { getConfig } from '@/lib/config';

/**
 * Private keys at rest: AES-256-GCM under a key derived from the portal secret with HKDF, so the
 * database alone does not reveal them. Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
const INFO = 'cloud-broker-portal/credentials/v1';

function encryptionKey(): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', getConfig().authSecret, Buffer.alloc(0), INFO, 32));
}

export function encryptSecret(plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', encryptionKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function decryptSecret(sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Unrecognised credential format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', encryptionKey(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('A stored SSH key could not be decrypted: the portal secret has changed since it was saved.');
  }
}
