import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '@/lib/auth/password';
import { decryptSecret, encryptSecret, sealWith } from '@/lib/credentials/crypto';
import { deriveKey } from '@/lib/credentials/keyring';

// Encryption uses the portal's encryption key, generated into a scratch data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-unit-'));
beforeAll(() => {
  process.env.PORTAL_DATA_DIR = dataDir;
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('passwords', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('generates distinct, long passwords', () => {
    const a = generatePassword();
    expect(a).toHaveLength(20);
    expect(a).not.toBe(generatePassword());
  });
});

const PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret';
const CREDENTIAL_ID = '6f1c2a52-0f5e-4a43-9d4b-0c3e0d7f9a10';

/** Flips one bit of a base64url part of a sealed value. */
function flipBit(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('credential encryption', () => {
  beforeAll(() => {
    delete process.env.PORTAL_ENCRYPTION_KEY;
    delete process.env.PORTAL_PREVIOUS_ENCRYPTION_KEY;
  });

  it('round-trips as v2 under the generated key, naming its key id, and hides the plaintext', async () => {
    const sealed = encryptSecret(PEM, CREDENTIAL_ID);
    expect(sealed).not.toContain('secret');
    const [version, keyId, iv, tag, body, ...rest] = sealed.split('.');
    const generated = fs.readFileSync(path.join(dataDir, 'encryption-key'), 'utf8');
    expect({ version, keyId, rest }).toEqual({ version: 'v2', keyId: deriveKey(generated).id, rest: [] });
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(body!, 'base64url').length).toBe(Buffer.byteLength(PEM));
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(decryptSecret(sealed, CREDENTIAL_ID)).toBe(PEM);
    expect(encryptSecret('same', CREDENTIAL_ID)).not.toBe(encryptSecret('same', CREDENTIAL_ID));
  });

  it('uses a 16-byte tag and refuses a truncated one', async () => {
    const sealed = encryptSecret(PEM, CREDENTIAL_ID);
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[3]!, 'base64url');
    expect(tag).toHaveLength(16);
    // Without an explicit authTagLength GCM would accept this prefix of the genuine tag.
    parts[3] = tag.subarray(0, 12).toString('base64url');
    expect(() => decryptSecret(parts.join('.'), CREDENTIAL_ID)).toThrow(/could not be decrypted/);
  });

  it('refuses a value copied into another credential', async () => {
    const sealed = encryptSecret(PEM, CREDENTIAL_ID);
    expect(() => decryptSecret(sealed, 'another-credential-id')).toThrow(
      /could not be decrypted with key [0-9a-f]{16}: .*another credential/,
    );
    expect(() => decryptSecret(sealed, '')).toThrow(/could not be decrypted/);
  });

  it('refuses a tampered iv, tag or ciphertext', async () => {
    const sealed = encryptSecret(PEM, CREDENTIAL_ID);
    for (const part of [2, 3, 4])
      expect(() => decryptSecret(flipBit(sealed, part), CREDENTIAL_ID)).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(sealed.replace(/^v2\./, 'v3.'), CREDENTIAL_ID)).toThrow(
      /format this portal does not recognise/,
    );
  });

  it('names the key a value was sealed with when the portal does not have it', async () => {
    const other = deriveKey('a different encryption key, long enough to be valid');
    const sealed = sealWith(other, PEM, CREDENTIAL_ID);
    expect(sealed.split('.')[1]).toBe(other.id);
    expect(() => decryptSecret(sealed, CREDENTIAL_ID)).toThrow(
      `A stored SSH key was encrypted with key ${other.id}, which this portal does not have; set PORTAL_ENCRYPTION_KEY to that key.`,
    );
    // The same value opens once the portal is given that key.
    process.env.PORTAL_ENCRYPTION_KEY = 'a different encryption key, long enough to be valid';
    try {
      expect(decryptSecret(sealed, CREDENTIAL_ID)).toBe(PEM);
      expect(encryptSecret(PEM, CREDENTIAL_ID).split('.')[1]).toBe(other.id);
    } finally {
      delete process.env.PORTAL_ENCRYPTION_KEY;
    }
  });
});
