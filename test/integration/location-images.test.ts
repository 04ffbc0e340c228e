import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getUserContext } from '@/lib/auth/users';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { auditEvents, machines, nodeImages, roleGrants } from '@/lib/db/tables';
import { setImageAttachment } from '@/lib/images/attachment';
import { changeImageLifecycle } from '@/lib/images/lifecycle';
import {
  listImagesAttachedToDataCenter,
  mayAttachImagesTo,
  searchAttachableImages,
} from '@/lib/locations/attached-images';
import { machinesInDataCenter } from '@/lib/machines/queries';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  run,
} from '../support/portal';

/** Location Details: the images attached to a data center, what may be attached there, and its machines. */
describe('images and machines of a data center, as each role sees them', async () => {
  let admin: UserContext;
  let dcA: string;
  let dcB: string;
  let nodeA1: string;
  let nodeB1: string;
  let imageAdmin: UserContext;
  let dcAdmin: UserContext;
  let otherAdmin: UserContext;
  const ids: Record<string, string> = {};

  const newImage = async (name: string, fields: Record<string, unknown> = {}) =>
    // Attached nowhere at first: attaching is what these tests are about.
    await createUrlImage(
      admin,
      { name, sourceUrl: 'http://127.0.0.1:9/x.qcow2', sha256: 'e'.repeat(64), ...fields },
      { attachTo: [] },
    );
  const attach = (user: UserContext, imageId: string, dataCenterId: string, attached = true) =>
    run(setImageAttachment, { imageId, dataCenterId, attached }, user);
  const names = (rows: { name: string }[]) => rows.map((r) => r.name);
  // The first page of the attached images, and what an empty Attach search offers: all of it here.
  const imagesAttachedToDataCenter = async (user: UserContext, dataCenterId: string) =>
    (await listImagesAttachedToDataCenter(user, dataCenterId)).rows;
  const attachableImages = async (user: UserContext, dataCenterId: string) =>
    (await searchAttachableImages(user, dataCenterId, '')).images;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dcA = await createDataCenterAs(admin);
    dcB = await createDataCenterAs(admin);
    nodeA1 = await insertUnreachableNode(dcA, 'loc-a1');
    await insertUnreachableNode(dcA, 'loc-a2');
    nodeB1 = await insertUnreachableNode(dcB, 'loc-b1');
    imageAdmin = await createUserWithRole('ImageAdmin', dcA);
    dcAdmin = await createUserWithRole('DCAdmin', dcA);
    otherAdmin = await createUserWithRole('ImageAdmin', dcB);

    ids.global = await newImage('loc-global');
    ids.bound = await newImage('loc-bound', { dcBoundId: dcA });
    ids.shared = await newImage('loc-shared'); // public, attached to B
    ids.privateShared = await newImage('loc-private-shared');
    expectOk(
      await run(changeImageLifecycle, { imageId: ids.privateShared, change: 'access', access: 'private' }, admin),
    );
    ids.elsewhere = await newImage('loc-elsewhere'); // public, attached to B only
    ids.otherBound = await newImage('loc-other-bound', { dcBoundId: dcB });
    expectOk(await attach(admin, ids.global!, dcA));
    for (const image of [ids.shared!, ids.privateShared!, ids.elsewhere!]) expectOk(await attach(admin, image, dcB));
    await getDb()
      .insert(nodeImages)
      .values({ nodeId: nodeA1, imageId: ids.global!, state: 'installed', available: true, updatedAt: now() });
    await getDb()
      .insert(nodeImages)
      .values({ nodeId: nodeB1, imageId: ids.global!, state: 'installed', available: false, updatedAt: now() });
  });

  it('lists the attached images with what this data center has of them; a SuperAdmin may detach all but the bound one', async () => {
    const attached = await imagesAttachedToDataCenter(admin, dcA);
    expect(attached).toEqual([
      expect.objectContaining({ name: 'loc-bound', boundHere: true, installedNodes: 0, mayChange: false }),
      // Installed on one node of A; its copy on B's node does not count here.
      expect.objectContaining({
        name: 'loc-global',
        version: '1',
        osType: 'linux',
        status: 'unverified',
        access: 'public',
        boundHere: false,
        installedNodes: 1,
        mayChange: true,
      }),
    ]);
    expect(mayAttachImagesTo(admin, dcA)).toBe(true);
    // Every global image not attached yet, private ones too (the policy lets SuperAdmins); bound ones stay with their data center.
    expect(names(await attachableImages(admin, dcA))).toEqual(['loc-elsewhere', 'loc-private-shared', 'loc-shared']);
  });

  it('lets an ImageAdmin of the data center detach global images and attach any public global one', async () => {
    expect((await imagesAttachedToDataCenter(imageAdmin, dcA)).map((i) => [i.name, i.mayChange])).toEqual([
      ['loc-bound', false],
      ['loc-global', true],
    ]);
    expect(mayAttachImagesTo(imageAdmin, dcA)).toBe(true);
    // Public global images are shareable, even one attached only where they hold no role; private
    // ones (loc-private-shared) and other data centers' bound ones are not offered.
    expect(names(await attachableImages(imageAdmin, dcA))).toEqual(['loc-elsewhere', 'loc-shared']);
  });

  it('offers an ImageAdmin nothing where they hold only DCAdmin', async () => {
    const { id: userId } = await createUserWithRole('ImageAdmin', dcA);
    await getDb().insert(roleGrants).values({ userId, dataCenterId: dcB, role: 'DCAdmin', createdAt: now() });
    const twoDcAdmin = (await getUserContext(userId))!;
    expect(names(await attachableImages(twoDcAdmin, dcA))).toEqual(['loc-elsewhere', 'loc-shared']);
    expect(await attachableImages(twoDcAdmin, dcB)).toEqual([]); // only DCAdmin there
  });

  it('shows a DCAdmin the list read-only, with nothing to attach', async () => {
    const attached = await imagesAttachedToDataCenter(dcAdmin, dcA);
    expect(names(attached)).toEqual(['loc-bound', 'loc-global']);
    expect(attached.every((i) => !i.mayChange)).toBe(true);
    expect(mayAttachImagesTo(dcAdmin, dcA)).toBe(false);
    expect(await attachableImages(dcAdmin, dcA)).toEqual([]);
  });

  it('shows the admin of another data center nothing of this one', async () => {
    expect(await imagesAttachedToDataCenter(otherAdmin, dcA)).toEqual([]);
    expect(mayAttachImagesTo(otherAdmin, dcA)).toBe(false);
    expect(await attachableImages(otherAdmin, dcA)).toEqual([]);
    expect(names(await imagesAttachedToDataCenter(otherAdmin, dcB))).toEqual([
      'loc-elsewhere',
      'loc-other-bound',
      'loc-private-shared',
      'loc-shared',
    ]);
  });

  it('refuses a forged attach or detach by a DCAdmin or another data center’s ImageAdmin, and audits it as denied', async () => {
    const imageId = await newImage('loc-forged');
    expectOk(await attach(admin, imageId, dcA));
    expect(await attach(dcAdmin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await attach(otherAdmin, imageId, dcA, false)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await attach(otherAdmin, ids.elsewhere!, dcA, true)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(names(await imagesAttachedToDataCenter(admin, dcA))).toContain('loc-forged');
    expect(names(await imagesAttachedToDataCenter(admin, dcA))).not.toContain('loc-elsewhere');

    const refusals = await getDb()
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, 'image.attachment'),
          eq(auditEvents.dataCenterId, dcA),
          eq(auditEvents.outcome, 'denied'),
        ),
      );
    expect(refusals.map((e) => [e.userId, e.targetId])).toEqual(
      expect.arrayContaining([
        [dcAdmin.id, imageId],
        [otherAdmin.id, imageId],
        [otherAdmin.id, ids.elsewhere],
      ]),
    );
  });

  it('lists the machines on the nodes of a data center for those who may view it', async () => {
    const at = now();
    await getDb()
      .insert(machines)
      .values([
        { id: crypto.randomUUID(), name: 'loc-vm-a', nodeId: nodeA1, imageId: ids.global!, createdAt: at },
        {
          id: crypto.randomUUID(),
          name: 'loc-vm-b',
          nodeId: nodeB1,
          imageId: ids.global!,
          status: 'stopped',
          createdAt: at,
        },
      ]);
    expect(await machinesInDataCenter(admin, dcA)).toEqual([
      expect.objectContaining({
        name: 'loc-vm-a',
        nodeId: nodeA1,
        nodeName: 'loc-a1',
        imageId: ids.global,
        imageName: 'loc-global',
        status: 'running',
      }),
    ]);
    expect(names(await machinesInDataCenter(dcAdmin, dcA))).toEqual(['loc-vm-a']);
    expect(await machinesInDataCenter(otherAdmin, dcA)).toEqual([]);
    expect(names(await machinesInDataCenter(otherAdmin, dcB))).toEqual(['loc-vm-b']);
  });
});
