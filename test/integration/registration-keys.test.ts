import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { importKey } from '@/lib/credentials/operations';
import { listCredentials } from '@/lib/credentials/queries';
import { getDb, firstRow } from '@/lib/db/client';
import { credentials } from '@/lib/db/tables';
import { discardRegistrationKey, generateRegistrationKey, probeNode, registerNode } from '@/lib/nodes/operations';
import { discardAbandonedRegistrationKeys, REGISTRATION_KEY_TTL_MS } from '@/lib/nodes/registration-keys';
import { SshNode } from '@/scripts/lib/sshd-node';
import { createDataCenterAs, createSuperAdmin, expectOk, run } from '../support/portal';

/**
 * Registering a node with a key from Credentials, and keys a registration makes: provisional until
 * the node is registered, so an abandoned registration (Cancel, or a closed tab) leaves no key.
 */
describe('the SSH key of a node registration', async () => {
  let admin: UserContext;
  let dataCenterId: string;
  let node: SshNode;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    node = await SshNode.start({ host: '127.0.0.183' });
  });
  afterAll(() => node.stop());

  const connection = (name: string) => ({
    dataCenterId,
    name,
    host: node.host,
    port: node.port,
    sshUser: node.user,
    imageDir: node.imageDir,
  });
  const keyRow = async (id: string) => await firstRow(getDb().select().from(credentials).where(eq(credentials.id, id)));
  const listed = async () => (await listCredentials()).map((c) => c.id);

  it('keeps a pasted key provisional, out of Credentials, until the node is registered', async () => {
    const probed = expectOk(await run(probeNode, { ...connection('kept'), privateKey: node.privateKey }, admin));
    expect((await keyRow(probed.credentialId))?.provisionalUntil).toBeInstanceOf(Date);
    expect(await listed()).not.toContain(probed.credentialId);

    const { id } = expectOk(
      await run(
        registerNode,
        { ...connection('kept'), credentialId: probed.credentialId, hostKeyFingerprint: probed.fingerprint },
        admin,
      ),
    );
    expect(id).toBeTruthy();
    expect((await keyRow(probed.credentialId))?.provisionalUntil).toBeNull();
    expect(await listed()).toContain(probed.credentialId);
    // A registered node's key is Credentials' now: Cancel of another registration cannot take it.
    expect(await run(discardRegistrationKey, { credentialId: probed.credentialId }, admin)).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expect(await discardAbandonedRegistrationKeys(new Date(now().getTime() + 2 * REGISTRATION_KEY_TTL_MS))).toBe(0);
    expect(await keyRow(probed.credentialId)).toBeDefined();
  });

  it('deletes the key of a registration cancelled or abandoned, and only once it has expired', async () => {
    const cancelled = expectOk(await run(generateRegistrationKey, { name: 'cancelled' }, admin));
    expectOk(await run(discardRegistrationKey, { credentialId: cancelled.credentialId }, admin));
    expect(await keyRow(cancelled.credentialId)).toBeUndefined();

    const abandoned = expectOk(
      await run(probeNode, { ...connection('tab-closed'), privateKey: node.privateKey }, admin),
    );
    expect(await discardAbandonedRegistrationKeys()).toBe(0); // not expired yet
    expect(await keyRow(abandoned.credentialId)).toBeDefined();
    expect(await discardAbandonedRegistrationKeys(new Date(now().getTime() + REGISTRATION_KEY_TTL_MS + 1000))).toBe(1);
    expect(await keyRow(abandoned.credentialId)).toBeUndefined();
  });

  it('registers with a key chosen from Credentials, which is never provisional and never discarded', async () => {
    const stored = expectOk(await run(importKey, { name: 'from-credentials', privateKey: node.privateKey }, admin));
    const before = (await getDb().select().from(credentials)).length;
    const probed = expectOk(
      await run(probeNode, { ...connection('chosen'), credentialId: stored.credentialId }, admin),
    );
    expect(probed.credentialId).toBe(stored.credentialId);
    expect((await getDb().select().from(credentials)).length).toBe(before); // no new key
    expect(await run(discardRegistrationKey, { credentialId: stored.credentialId }, admin)).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expect((await keyRow(stored.credentialId))?.provisionalUntil).toBeNull();
    expect(await listed()).toContain(stored.credentialId);
  });
});
