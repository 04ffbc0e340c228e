import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getConfig } from '@/lib/config';
import { decryptSecret, sealWith } from '@/lib/credentials/crypto';
import { deriveKey, generateKeyMaterial } from '@/lib/credentials/keyring';
import { generateCredential, unsealCredential } from '@/lib/credentials/sealed';
import { closeAllDatabases, getDb, firstRow } from '@/lib/db/client';
import { credentials, usesPostgres } from '@/lib/db/tables';
import { testNodeConnection } from '@/lib/nodes/operations';
import { loadConnection, requireCloudAccount } from '@/lib/clouds/accounts';
import { createCloudAccount } from '@/lib/clouds/operations';
import { SshNode } from '@/scripts/lib/sshd-node';
import { newPostgresDatabase } from '../support/postgres-database';
import { createDataCenterAs, createSuperAdmin, expectOk, registerSshNode, run } from '../support/portal';

const repoRoot = path.resolve(__dirname, '../..');
const keyFile = () => path.join(getConfig().dataDir, 'encryption-key');
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const rows = async () => await getDb().select().from(credentials);
const sealedOf = async (id: string) =>
  (await firstRow(getDb().select().from(credentials).where(eq(credentials.id, id))))!.encryptedPrivateKey;
const keyIdOf = (sealed: string) => sealed.split('.')[1];

/** The algorithm before this portal had its own encryption key: v1, under AUTH_SECRET, no AAD. */
function sealV1(plaintext: string, authSecret: string): string {
  const key = Buffer.from(
    crypto.hkdfSync('sha256', authSecret, Buffer.alloc(0), 'cloud-broker-portal/credentials/v1', 32),
  );
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), ciphertext].map((p) => p.toString('base64url'))].join('.');
}

/** `npm run rotate-encryption-key`, as a process of its own with this test's environment. */
async function rotateByScript(extra: Record<string, string> = {}) {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...extra }).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;
  return promisify(execFile)('npx', ['tsx', '--conditions=react-server', 'scripts/rotate-encryption-key.ts'], {
    cwd: repoRoot,
    env,
  });
}
const ROTATED =
  /Re-encrypted (\d+) credential\(s\) and (\d+) cloud account\(s\) under the new encryption key ([0-9a-f]{16}) \(it was ([0-9a-f]{16})\)/;

describe('the encryption key of stored SSH keys', () => {
  let admin: UserContext;
  let node: SshNode;
  let nodeId: string;
  let credentialId: string;
  let unreadableId: string;
  const loginWorks = async () =>
    expect(expectOk(await run(testNodeConnection, { nodeId }, admin)).cpus).toBeGreaterThan(0);

  beforeAll(async () => {
    admin = await createSuperAdmin();
    node = await SshNode.start({ host: '127.0.0.160' });
    ({ nodeId, credentialId } = await registerSshNode(admin, await createDataCenterAs(admin), node, 'sealed-node'));
  });
  afterAll(() => node.stop());

  it('is generated into the data directory with mode 0600 and seals v2 values under its key id', async () => {
    expect(mode(keyFile())).toBe(0o600);
    const sealed = await sealedOf(credentialId);
    expect(sealed.startsWith('v2.')).toBe(true);
    expect(keyIdOf(sealed)).toBe(deriveKey(fs.readFileSync(keyFile(), 'utf8')).id);
    expect(fs.readdirSync(getConfig().dataDir).filter((f) => f.startsWith('encryption-key'))).toEqual([
      'encryption-key',
    ]);
  });

  it('keeps every stored node key readable when AUTH_SECRET is rotated', async () => {
    const before = getConfig().authSecret;
    process.env.AUTH_SECRET = crypto.randomBytes(48).toString('base64url');
    expect(getConfig().authSecret).not.toBe(before);
    for (const row of await rows())
      expect(JSON.parse(decryptSecret(row.encryptedPrivateKey, row.id)).privateKey).toMatch(/PRIVATE KEY/);
    await loginWorks();
  });

  // Keys sealed the v1 way predate PostgreSQL: SQLite reseals them when it opens the file, and
  // db:copy takes only a database this version has opened.
  it.skipIf(usesPostgres)(
    'migrates v1 credentials to v2 when the database is opened, leaving one it cannot read as it was',
    async () => {
      const original = await unsealCredential(credentialId);
      const pemId = crypto.randomUUID();
      unreadableId = crypto.randomUUID();
      const at = new Date();
      await getDb()
        .update(credentials)
        .set({ encryptedPrivateKey: sealV1(JSON.stringify(original), getConfig().authSecret) })
        .where(eq(credentials.id, credentialId));
      await getDb()
        .insert(credentials)
        .values({
          id: pemId,
          name: 'v1 pem',
          publicKey: 'ssh-ed25519 AAAA',
          encryptedPrivateKey: sealV1(JSON.stringify({ privateKey: node.privateKey }), getConfig().authSecret),
          createdAt: at,
        });
      const lost = sealV1(
        '{"privateKey":"sealed with a lost secret"}',
        'an AUTH_SECRET this portal no longer has, 32+ chars',
      );
      await getDb().insert(credentials).values({
        id: unreadableId,
        name: 'lost secret',
        publicKey: 'ssh-ed25519 AAAA',
        encryptedPrivateKey: lost,
        createdAt: at,
      });
      expect((await sealedOf(credentialId)).startsWith('v1.')).toBe(true);

      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await closeAllDatabases();
      const currentKeyId = deriveKey(fs.readFileSync(keyFile(), 'utf8')).id;
      for (const id of [credentialId, pemId]) {
        expect((await sealedOf(id)).startsWith('v2.')).toBe(true);
        expect(keyIdOf(await sealedOf(id))).toBe(currentKeyId);
      }
      expect(await unsealCredential(credentialId)).toEqual(original);
      expect((await unsealCredential(pemId)).privateKey).toBe(node.privateKey);
      expect(await sealedOf(unreadableId)).toBe(lost);
      expect(warn.mock.calls.map((c) => String(c[0])).filter((line) => line.includes(unreadableId))).toHaveLength(1);
      await expect(unsealCredential(unreadableId)).rejects.toThrow(
        /could not be decrypted: the portal secret has changed/,
      );
      await loginWorks();

      // A second open changes nothing.
      const migrated = await rows();
      await closeAllDatabases();
      expect(await rows()).toEqual(migrated);
      warn.mockRestore();
    },
  );

  it('npm run rotate-encryption-key re-encrypts every credential under a new key file, keeping the old one', async () => {
    const oldMaterial = fs.readFileSync(keyFile(), 'utf8');
    // A cloud account's secrets are sealed under the same key, and move with the credentials.
    const cloud = expectOk(
      await run(
        createCloudAccount,
        {
          name: 'rotated cloud',
          kind: 'openstack',
          auth: 'password',
          authUrl: 'https://keystone.example.com/v3',
          username: 'u',
          projectName: 'p',
          password: 'cloud password',
        },
        admin,
      ),
    );
    const cloudSealed = (await requireCloudAccount(cloud.id)).sealedSecrets;
    const before = (await rows()).filter((r) => r.encryptedPrivateKey.startsWith('v2.'));
    const plaintexts = new Map(before.map((r) => [r.id, decryptSecret(r.encryptedPrivateKey, r.id)]));

    const { stdout } = await rotateByScript();
    const [, count, cloudCount, newKeyId, oldKeyId] = stdout.match(ROTATED)!;
    expect(Number(count)).toBe(before.length);
    expect(Number(cloudCount)).toBe(1);
    expect(oldKeyId).toBe(deriveKey(oldMaterial).id);
    const newMaterial = fs.readFileSync(keyFile(), 'utf8');
    expect(newMaterial).not.toBe(oldMaterial);
    expect(newKeyId).toBe(deriveKey(newMaterial).id);
    if (!usesPostgres) expect(stdout).toContain(`credential "lost secret" (${unreadableId})`);
    for (const secret of [oldMaterial, newMaterial]) expect(stdout).not.toContain(secret);

    for (const row of before) {
      const now = await sealedOf(row.id);
      expect(now).not.toBe(row.encryptedPrivateKey);
      expect(keyIdOf(now)).toBe(newKeyId);
      // This process still holds the old key files in memory: it must find the new key by its id.
      expect(decryptSecret(now, row.id)).toBe(plaintexts.get(row.id));
    }
    const cloudNow = await requireCloudAccount(cloud.id);
    expect(cloudNow.sealedSecrets).not.toBe(cloudSealed);
    expect(keyIdOf(cloudNow.sealedSecrets)).toBe(newKeyId);
    expect(loadConnection(cloudNow).secrets).toEqual({ password: 'cloud password' });
    expect(fs.readFileSync(`${keyFile()}.previous`, 'utf8')).toBe(oldMaterial);
    expect(mode(keyFile())).toBe(0o600);
    expect(mode(`${keyFile()}.previous`)).toBe(0o600);
    expect(fs.existsSync(`${keyFile()}.next`)).toBe(false);
    await loginWorks();
  });

  it('reads every key after a rotation cut off between commit and rename, and the next run finishes it', async () => {
    // The state a crash leaves after the transaction: rows under encryption-key.next, not yet renamed.
    const current = fs.readFileSync(keyFile(), 'utf8');
    const next = generateKeyMaterial();
    fs.writeFileSync(`${keyFile()}.next`, next, { mode: 0o600 });
    for (const row of (await rows()).filter((r) => r.encryptedPrivateKey.startsWith('v2.'))) {
      const plaintext = decryptSecret(row.encryptedPrivateKey, row.id);
      await getDb()
        .update(credentials)
        .set({ encryptedPrivateKey: sealWith(deriveKey(next), plaintext, row.id) })
        .where(eq(credentials.id, row.id));
    }
    expect(keyIdOf(await sealedOf(credentialId))).toBe(deriveKey(next).id);
    expect(fs.readFileSync(keyFile(), 'utf8')).toBe(current);
    await loginWorks();

    const { stdout } = await rotateByScript();
    expect(stdout.match(ROTATED)!.slice(3)).toEqual([deriveKey(next).id, deriveKey(current).id]);
    expect(fs.readFileSync(keyFile(), 'utf8')).toBe(next);
    expect(fs.readFileSync(`${keyFile()}.previous`, 'utf8')).toBe(current);
    expect(fs.existsSync(`${keyFile()}.next`)).toBe(false);
    await loginWorks();
  });

  it('uses PORTAL_ENCRYPTION_KEY from the environment, writes no key file, and rotates to PORTAL_NEW_ENCRYPTION_KEY', async () => {
    // A portal of its own: a new data directory and, on PostgreSQL, a new database, so that rotation
    // meets no credential sealed under the other tests' key files.
    const saved = { dataDir: process.env.PORTAL_DATA_DIR, databaseUrl: process.env.DATABASE_URL };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-env-key-'));
    const databaseUrl = await newPostgresDatabase();
    if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
    const envKey = 'an operator-chosen encryption key of 32+ characters';
    const newEnvKey = 'the next operator-chosen encryption key, also long';
    const keyFilesIn = () => fs.readdirSync(dir).filter((f) => f.startsWith('encryption-key'));
    process.env.PORTAL_DATA_DIR = dir;
    process.env.PORTAL_ENCRYPTION_KEY = envKey;
    try {
      const { id } = await generateCredential('from the environment');
      expect(keyIdOf(await sealedOf(id))).toBe(deriveKey(envKey).id);
      expect((await unsealCredential(id)).privateKey).toMatch(/PRIVATE KEY/);
      expect(keyFilesIn()).toEqual([]);

      const refused = await rotateByScript().then(
        () => undefined,
        (err: { stderr: string; code: number }) => err,
      );
      expect(refused).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('PORTAL_NEW_ENCRYPTION_KEY, which is not set'),
      });

      const { stdout } = await rotateByScript({ PORTAL_NEW_ENCRYPTION_KEY: newEnvKey });
      expect(stdout.match(ROTATED)!.slice(1)).toEqual(['1', '0', deriveKey(newEnvKey).id, deriveKey(envKey).id]);
      expect(stdout).toContain('Now set PORTAL_ENCRYPTION_KEY to the new key');
      for (const secret of [envKey, newEnvKey]) expect(stdout).not.toContain(secret);
      expect(keyIdOf(await sealedOf(id))).toBe(deriveKey(newEnvKey).id);
      await expect(unsealCredential(id)).rejects.toThrow(
        `encrypted with key ${deriveKey(newEnvKey).id}, which this portal does not have; set PORTAL_ENCRYPTION_KEY`,
      );
      process.env.PORTAL_ENCRYPTION_KEY = newEnvKey;
      expect((await unsealCredential(id)).privateKey).toMatch(/PRIVATE KEY/);
      expect(keyFilesIn()).toEqual([]);
    } finally {
      process.env.PORTAL_DATA_DIR = saved.dataDir;
      if (saved.databaseUrl) process.env.DATABASE_URL = saved.databaseUrl;
      delete process.env.PORTAL_ENCRYPTION_KEY;
    }
  });
});
