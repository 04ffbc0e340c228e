import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, firstRow } from '@/lib/db/client';
import { credentials, nodes } from '@/lib/db/tables';
import { generateRegistrationKey, probeNode, registerNode, testNodeConnection } from '@/lib/nodes/operations';
import { SshNode } from '@/scripts/lib/sshd-node';
import { createDataCenterAs, createSuperAdmin, expectOk, registerSshNode, run } from '../support/portal';
import type { UserContext } from '@/lib/auth/policy';

describe('registering a real sshd node', () => {
  let admin: UserContext;
  let dataCenterId: string;
  const started: SshNode[] = [];
  /** Each test gets its own node: an address can be registered only once. */
  const startNode = async () => {
    const node = await SshNode.start({ host: `127.0.0.${11 + started.length}` });
    started.push(node);
    return node;
  };

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
  });
  afterAll(() => Promise.all(started.map((n) => n.stop())));

  it('shows the same host key fingerprint as ssh-keygen, and pins it with the capacity read over SSH', async () => {
    const node = await startNode();
    const { nodeId, fingerprint, credentialId } = await registerSshNode(admin, dataCenterId, node, 'compute-1');
    expect(fingerprint).toBe(node.hostKeyFingerprint);

    const row = (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!;
    expect(row.hostKeyFingerprint).toBe(node.hostKeyFingerprint);
    expect(row.status).toBe('enabled');
    expect(row.cpus).toBeGreaterThan(0);
    expect(row.memoryBytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(row.diskFreeBytes).toBeGreaterThan(0);
    expect(row.diskTotalBytes).toBeGreaterThanOrEqual(row.diskFreeBytes!);

    // The private key is stored encrypted: neither it nor its body appears in the database row.
    const stored = (await firstRow(getDb().select().from(credentials).where(eq(credentials.id, credentialId))))!;
    const keyBody = node.privateKey.split('\n')[1]!;
    expect(stored.encryptedPrivateKey).not.toContain(keyBody);
    expect(stored.publicKey.split(' ')[1]).toBe(node.publicKey.split(' ')[1]);
  });

  it('refuses to register when the node presents a different key than the one confirmed', async () => {
    const node = await startNode();
    const connection = {
      dataCenterId,
      name: 'compute-x',
      host: node.host,
      port: node.port,
      sshUser: node.user,
      imageDir: node.imageDir,
    };
    const probed = expectOk(await run(probeNode, { ...connection, privateKey: node.privateKey }, admin));
    const forged = 'SHA256:' + 'A'.repeat(43);
    const result = await run(
      registerNode,
      { ...connection, credentialId: probed.credentialId, hostKeyFingerprint: forged },
      admin,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/Host key mismatch/);
    expect(await firstRow(getDb().select().from(nodes).where(eq(nodes.name, 'compute-x')))).toBeUndefined();
  });

  it('refuses a changed host key on every later connection, with a clear error recorded on the node', async () => {
    const node = await startNode();
    const { nodeId } = await registerSshNode(admin, dataCenterId, node, 'compute-2');
    expectOk(await run(testNodeConnection, { nodeId }, admin));

    node.regenerateHostKey();
    await node.restart();
    const result = await run(testNodeConnection, { nodeId }, admin);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /Host key mismatch for 127\.0\.0\.\d+:\d+: the node presented SHA256:\S+ but SHA256:\S+ is pinned/,
    );

    const row = (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!;
    expect(row.lastError).toMatch(/Host key mismatch/);
    expect(row.consecutiveFailures).toBe(1);
  });

  it('rejects a key the node does not accept, and stores no credential for it', async () => {
    const node = await startNode();
    const other = await startNode();
    const before = (await getDb().select().from(credentials)).length;
    const result = await run(
      probeNode,
      {
        dataCenterId,
        name: 'compute-3',
        host: node.host,
        port: node.port,
        sshUser: node.user,
        imageDir: node.imageDir,
        privateKey: other.privateKey,
      },
      admin,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/refused the SSH key/);
    expect((await getDb().select().from(credentials)).length).toBe(before);
  });

  it('registers with a key pair generated in the portal once its public key is authorized on the node', async () => {
    const node = await startNode();
    const { credentialId, publicKey } = expectOk(await run(generateRegistrationKey, { name: 'generated' }, admin));
    expect(publicKey).toMatch(/^ssh-ed25519 AAAA\S+ cloud-broker-portal:generated$/);
    const connection = {
      dataCenterId,
      name: 'compute-gen',
      host: node.host,
      port: node.port,
      sshUser: node.user,
      imageDir: node.imageDir,
    };

    const refused = await run(probeNode, { ...connection, credentialId }, admin);
    expect(!refused.ok && refused.error).toMatch(/refused the SSH key/);

    fs.writeFileSync(path.join(node.baseDir, 'authorized_keys'), `${publicKey}\n`);
    const probed = expectOk(await run(probeNode, { ...connection, credentialId }, admin));
    expect(probed).toEqual({ credentialId, fingerprint: node.hostKeyFingerprint });
    const { id } = expectOk(
      await run(registerNode, { ...connection, credentialId, hostKeyFingerprint: probed.fingerprint }, admin),
    );
    expect(expectOk(await run(testNodeConnection, { nodeId: id }, admin)).cpus).toBeGreaterThan(0);
  });
});
