import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, imageDataCenters, machines, nodeImages } from '@/lib/db/tables';
import { setImageAttachment } from '@/lib/images/attachment';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  run,
} from '../support/portal';

describe('attaching images to data centers and detaching them', async () => {
  let admin: UserContext;
  let dcA: string;
  let dcB: string;
  let nodeA: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dcA = await createDataCenterAs(admin);
    dcB = await createDataCenterAs(admin);
    nodeA = await insertUnreachableNode(dcA, 'a1');
  });

  const newImage = async (name: string, fields: Record<string, unknown> = {}) =>
    // Attached nowhere at first: attaching is what these tests are about.
    await createUrlImage(
      admin,
      { name, sourceUrl: 'http://127.0.0.1:9/x.qcow2', sha256: 'c'.repeat(64), ...fields },
      { attachTo: [] },
    );
  const attach = (user: UserContext, imageId: string, dataCenterId: string, attached: boolean) =>
    run(setImageAttachment, { imageId, dataCenterId, attached }, user);
  const attachedTo = async (imageId: string) =>
    (await getDb().select().from(imageDataCenters).where(eq(imageDataCenters.imageId, imageId)))
      .map((a) => a.dataCenterId)
      .sort();

  it('attaches a global image to several data centers and detaches it, withdrawing its copies there', async () => {
    const imageId = await newImage('attach-global');
    expectOk(await attach(admin, imageId, dcA, true));
    expectOk(await attach(admin, imageId, dcB, true));
    expectOk(await attach(admin, imageId, dcB, true)); // again: no second row, no error
    expect(await attachedTo(imageId)).toEqual([dcA, dcB].sort());

    await getDb()
      .insert(nodeImages)
      .values({ nodeId: nodeA, imageId, state: 'installed', available: true, updatedAt: now() });
    expect(expectOk(await attach(admin, imageId, dcA, false))).toMatchObject({ attached: false, withdrawn: 1 });
    expect(await attachedTo(imageId)).toEqual([dcB]);
    expect(await firstRow(getDb().select().from(nodeImages).where(eq(nodeImages.imageId, imageId)))).toMatchObject({
      state: 'installed',
      available: false,
    });
  });

  it('refuses to detach while a machine in that data center uses the image, naming it, and changes nothing', async () => {
    const imageId = await newImage('attach-in-use');
    expectOk(await attach(admin, imageId, dcA, true));
    await getDb()
      .insert(machines)
      .values({ id: crypto.randomUUID(), name: 'db-1', nodeId: nodeA, imageId, createdAt: now() });

    expect(await attach(admin, imageId, dcA, false)).toMatchObject({
      ok: false,
      code: 'in_use',
      error: expect.stringContaining('db-1 on a1 uses it'),
    });
    expect(await attachedTo(imageId)).toEqual([dcA]);
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'image.attachment'), eq(auditEvents.targetId, imageId)));
    expect(audit.map((a) => a.outcome)).toEqual(['ok', 'denied']);
  });

  it('keeps a DC-bound image attached to its own data center only', async () => {
    const imageId = await newImage('attach-bound', { dcBoundId: dcA });
    expect(await attach(admin, imageId, dcB, true)).toMatchObject({ ok: false, code: 'invalid' });
    expect(await attach(admin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'invalid' });
    expect(await attachedTo(imageId)).toEqual([dcA]);
  });

  it('lets an ImageAdmin attach public images to their own data centers only, and refuses DCAdmins', async () => {
    const imageAdmin = await createUserWithRole('ImageAdmin', dcA);
    const dcAdmin = await createUserWithRole('DCAdmin', dcA);
    const imageId = await newImage('attach-roles');

    expectOk(await attach(imageAdmin, imageId, dcA, true));
    expect(await attach(imageAdmin, imageId, dcB, true)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await attach(dcAdmin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await attachedTo(imageId)).toEqual([dcA]);
  });
});
