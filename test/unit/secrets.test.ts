import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '@/lib/auth/password';
import { decryptSecret, encryptSecret } from '@/lib/credentials/crypto';

// Encryption derives its key from the portal secret, generated into a scratch data directory.
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

describe('credential encryption', () => {
  it('round-trips, hides the plaintext, and detects tampering', () => {
    const sealed = encryptSecret('-----BEGIN OPENSSH PRIVATE KEY-----\nsecret');
    expect(sealed).not.toContain('secret');
    expect(decryptSecret(sealed)).toBe('-----BEGIN OPENSSH PRIVATE KEY-----\nsecret');
    expect(encryptSecret('same')).not.toBe(encryptSecret('same'));
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = body!.slice(0, -2) + (body!.endsWith('AA') ? 'AB' : 'AA');
    expect(() => decryptSecret([v, iv, tag, flipped].join('.'))).toThrow(/could not be decrypted/);
  });
});
