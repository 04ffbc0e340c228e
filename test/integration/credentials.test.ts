import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import type { UserContext } from '@/lib/auth/policy';
import { decryptSecret } from '@/lib/credentials/crypto';
import { deleteKey, generateKey, importKey } from '@/lib/credentials/operations';
import { listCredentials } from '@/lib/credentials/queries';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, credentials, nodes } from '@/lib/db/tables';
import { probeNode, registerNode, testNodeConnection } from '@/lib/nodes/operations';
import { SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUserWithRole,
  expectOk,
  registerSshNode,
  run,
} from '../support/portal';

const PASSPHRASE = 'correct horse battery staple';

/** A key pair made by OpenSSH's own ssh-keygen, encrypted with PASSPHRASE. */
function encryptedKey(type: 'ed25519' | 'rsa'): { privateKey: string; publicKey: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-key-')), `id_${type}`);
  const format = type === 'rsa' ? ['-b', '2048', '-m', 'PEM'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...format, '-N', PASSPHRASE, '-C', `imported-${type}`, '-f', file]);
  return { privateKey: fs.readFileSync(file, 'utf8'), publicKey: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
}

const storedSecret = async (id: string) =>
  JSON.parse(
    decryptSecret(
      (await firstRow(getDb().select().from(credentials).where(eq(credentials.id, id))))!.encryptedPrivateKey,
      id,
    ),
  ) as Record<string, string>;
const lastAudit = async (action: string) =>
  await firstRow(
    getDb().select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)),
  );
const credentialCount = async () => (await getDb().select().from(credentials)).length;

describe('SSH credentials', () => {
  let admin: UserContext;
  let dataCenterId: string;
  let node: SshNode;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    node = await SshNode.start({ host: '127.0.0.88' });
  });
  afterAll(() => node.stop());

  it.each(['ed25519', 'rsa'] as const)(
    'imports an encrypted %s key with its passphrase, keeps no passphrase, and logs in with it',
    async (type) => {
      const key = encryptedKey(type);
      const { credentialId, publicKey } = expectOk(
        await run(importKey, { name: `imported ${type}`, privateKey: key.privateKey, passphrase: PASSPHRASE }, admin),
      );
      // PEM keys carry no comment; type and key must match what ssh-keygen wrote.
      expect(publicKey.split(' ').slice(0, 2)).toEqual(key.publicKey.split(' ').slice(0, 2));

      // Stored decrypted under the portal's own encryption: no passphrase, and the key opens without one.
      const secret = await storedSecret(credentialId);
      expect(Object.keys(secret)).toEqual(['privateKey']);
      expect(JSON.stringify(secret)).not.toContain(PASSPHRASE);
      const parsed = utils.parseKey(secret.privateKey!);
      expect(parsed instanceof Error ? parsed.message : parsed.getPublicSSH().toString('base64')).toBe(
        key.publicKey.split(' ')[1],
      );
      expect(await lastAudit('credential.import')).toMatchObject({
        outcome: 'ok',
        targetId: credentialId,
        details: { encrypted: true },
      });

      // The real test: sshd accepts it.
      fs.writeFileSync(path.join(node.baseDir, 'authorized_keys'), `${key.publicKey}\n`);
      const connection = {
        dataCenterId,
        name: `with-${type}`,
        host: node.host,
        port: node.port,
        sshUser: node.user,
        imageDir: node.imageDir,
      };
      const probed = expectOk(await run(probeNode, { ...connection, credentialId }, admin));
      const { id } = expectOk(
        await run(registerNode, { ...connection, credentialId, hostKeyFingerprint: probed.fingerprint }, admin),
      );
      expect(expectOk(await run(testNodeConnection, { nodeId: id }, admin)).cpus).toBeGreaterThan(0);
      // One address holds one node; free it for the next key type.
      await getDb().delete(nodes).where(eq(nodes.id, id));
    },
  );

  it('refuses a wrong or missing passphrase clearly, on the right field, storing nothing', async () => {
    const key = encryptedKey('ed25519');
    const before = await credentialCount();
    const wrong = await run(importKey, { name: 'wrong', privateKey: key.privateKey, passphrase: 'not it' }, admin);
    expect(wrong).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { passphrase: ['That passphrase does not decrypt this key.'] },
    });
    const missing = await run(importKey, { name: 'missing', privateKey: key.privateKey }, admin);
    expect(missing).toMatchObject({
      ok: false,
      fieldErrors: { privateKey: ['This key is encrypted: enter its passphrase.'] },
    });
    const publicOnly = await run(importKey, { name: 'public', privateKey: key.publicKey }, admin);
    expect(publicOnly).toMatchObject({ ok: false, fieldErrors: { privateKey: [expect.stringMatching(/public key/)] } });
    expect(await credentialCount()).toBe(before);
  });

  it('lists keys with the nodes that use them, and refuses to delete a key in use, naming the nodes', async () => {
    fs.copyFileSync(path.join(node.baseDir, 'client_ed25519.pub'), path.join(node.baseDir, 'authorized_keys'));
    const { credentialId } = await registerSshNode(admin, dataCenterId, node, 'key-user');
    const listed = (await listCredentials()).find((c) => c.id === credentialId)!;
    expect(listed.nodes.map((n) => n.name)).toEqual(['key-user']);
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'id', 'name', 'nodes', 'publicKey']);

    const keyRow = async () =>
      await firstRow(getDb().select().from(credentials).where(eq(credentials.id, credentialId)));
    const kept = await keyRow()!;
    const refused = await run(deleteKey, { credentialId }, admin);
    expect(refused).toMatchObject({
      ok: false,
      code: 'in_use',
      error: expect.stringMatching(/cannot be deleted: node key-user logs in with it/),
    });
    expect(await lastAudit('credential.delete')).toMatchObject({ outcome: 'denied', targetId: credentialId });
    expect(await keyRow()).toEqual(kept);
    expect(kept!.publicKey).toBe(listed.publicKey);

    const unused = expectOk(await run(generateKey, { name: 'spare' }, admin));
    expect(unused.publicKey).toMatch(/^ssh-ed25519 AAAA\S+ cloud-broker-portal:spare$/);
    expect((await listCredentials()).find((c) => c.id === unused.credentialId)!.nodes).toEqual([]);
    expectOk(await run(deleteKey, { credentialId: unused.credentialId }, admin));
    expect(
      await firstRow(getDb().select().from(credentials).where(eq(credentials.id, unused.credentialId))),
    ).toBeUndefined();
    expect(await lastAudit('credential.delete')).toMatchObject({
      outcome: 'ok',
      targetId: unused.credentialId,
      details: { name: 'spare' },
    });
  });

  it('refuses every credential action to a non-SuperAdmin, audited as denied', async () => {
    const imageAdmin = await createUserWithRole('ImageAdmin', dataCenterId);
    const spare = expectOk(await run(generateKey, { name: 'not yours' }, admin));
    const before = await credentialCount();
    const attempts = [
      [generateKey, { name: 'mine' }],
      [importKey, { name: 'mine', privateKey: encryptedKey('ed25519').privateKey, passphrase: PASSPHRASE }],
      [deleteKey, { credentialId: spare.credentialId }],
    ] as const;
    for (const [op, input] of attempts) {
      expect(await run(op as typeof generateKey, input, imageAdmin)).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await lastAudit(op.name)).toMatchObject({ userId: imageAdmin.id, outcome: 'denied' });
    }
    expect(await credentialCount()).toBe(before);
  });
});
