import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { createUser, loadUserContext } from '@/lib/auth/users';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { auditEvents, credentials, imageDataCenters, machines, nodeImages, nodes, roleGrants } from '@/lib/db/schema';
import { setImageAttachment } from '@/lib/images/attachment';
import { createDataCenterAs, createSuperAdmin, createUrlImage, expectOk, run } from '../support/portal';

describe('attaching images to data centers and detaching them', () => {
  let admin: UserContext;
  let dcA: string;
  let dcB: string;
  let nodeA: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dcA = await createDataCenterAs(admin);
    dcB = await createDataCenterAs(admin);
    nodeA = crypto.randomUUID();
    const at = now();
    getDb().insert(credentials).values({ id: 'cred', name: 'k', publicKey: 'ssh-ed25519 AAAA', encryptedPrivateKey: 'v1.x.y.z', createdAt: at }).run();
    getDb()
      .insert(nodes)
      .values({ id: nodeA, dataCenterId: dcA, name: 'a1', host: '127.0.0.98', sshUser: 'u', credentialId: 'cred', hostKeyFingerprint: 'SHA256:x', imageDir: '/srv', createdAt: at, updatedAt: at })
      .run();
  });

  const newImage = (name: string, fields: Record<string, unknown> = {}) =>
    createUrlImage(admin, { name, sourceUrl: 'http://127.0.0.1:9/x.qcow2', sha256: 'c'.repeat(64), ...fields });
  const attach = (user: UserContext, imageId: string, dataCenterId: string, attached: boolean) => run(setImageAttachment, { imageId, dataCenterId, attached }, user);
  const attachedTo = (imageId: string) =>
    getDb().select().from(imageDataCenters).where(eq(imageDataCenters.imageId, imageId)).all().map((a) => a.dataCenterId).sort();

  it('attaches a global image to several data centers and detaches it, withdrawing its copies there', async () => {
    const imageId = await newImage('attach-global');
    expectOk(await attach(admin, imageId, dcA, true));
    expectOk(await attach(admin, imageId, dcB, true));
    expectOk(await attach(admin, imageId, dcB, true)); // again: no second row, no error
    expect(attachedTo(imageId)).toEqual([dcA, dcB].sort());

    getDb().insert(nodeImages).values({ nodeId: nodeA, imageId, state: 'installed', available: true, updatedAt: now() }).run();
    expect(expectOk(await attach(admin, imageId, dcA, false))).toMatchObject({ attached: false, withdrawn: 1 });
    expect(attachedTo(imageId)).toEqual([dcB]);
    expect(getDb().select().from(nodeImages).where(eq(nodeImages.imageId, imageId)).get()).toMatchObject({ state: 'installed', available: false });
  });

  it('refuses to detach while a machine in that data center uses the image, naming it, and changes nothing', async () => {
    const imageId = await newImage('attach-in-use');
    expectOk(await attach(admin, imageId, dcA, true));
    getDb().insert(machines).values({ id: crypto.randomUUID(), name: 'db-1', nodeId: nodeA, imageId, createdAt: now() }).run();

    expect(await attach(admin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'in_use', error: expect.stringContaining('db-1 on a1 uses it') });
    expect(attachedTo(imageId)).toEqual([dcA]);
    const audit = getDb().select().from(auditEvents).where(and(eq(auditEvents.action, 'image.attachment'), eq(auditEvents.targetId, imageId))).all();
    expect(audit.map((a) => a.outcome)).toEqual(['ok', 'denied']);
  });

  it('keeps a DC-bound image attached to its own data center only', async () => {
    const imageId = await newImage('attach-bound', { dcBoundId: dcA });
    expect(await attach(admin, imageId, dcB, true)).toMatchObject({ ok: false, code: 'invalid' });
    expect(await attach(admin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'invalid' });
    expect(attachedTo(imageId)).toEqual([dcA]);
  });

  it('lets an ImageAdmin attach public images to their own data centers only, and refuses DCAdmins', async () => {
    const grant = async (role: 'ImageAdmin' | 'DCAdmin') => {
      const id = await createUser({ username: `${role}-${crypto.randomUUID().slice(0, 8)}`, password: 'long enough password' });
      getDb().insert(roleGrants).values({ userId: id, dataCenterId: dcA, role, createdAt: now() }).run();
      return loadUserContext(id)!;
    };
    const imageAdmin = await grant('ImageAdmin');
    const dcAdmin = await grant('DCAdmin');
    const imageId = await newImage('attach-roles');

    expectOk(await attach(imageAdmin, imageId, dcA, true));
    expect(await attach(imageAdmin, imageId, dcB, true)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await attach(dcAdmin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(attachedTo(imageId)).toEqual([dcA]);
  });
});
