import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images } from '@/lib/db/tables';
import { changeImageLifecycle } from '@/lib/images/lifecycle';
import { listImages } from '@/lib/images/queries';
import { installImage } from '@/lib/install/operations';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  run,
} from '../support/portal';

const SHA = 'a'.repeat(64);

describe('image lifecycle: enable and disable, access, soft delete and restore, the protected flag', async () => {
  let admin: UserContext;
  let dataCenterId: string;
  let nodeId: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    // These refusals come before any connection.
    nodeId = await insertUnreachableNode(dataCenterId, 'n1');
  });

  const newImage = async (name: string, fields: Record<string, unknown> = {}) =>
    await createUrlImage(admin, { name, sourceUrl: 'http://127.0.0.1:9/x.qcow2', sha256: SHA, ...fields });
  const change = (user: UserContext, input: Record<string, unknown>) => run(changeImageLifecycle, input, user);
  const row = async (id: string) => (await firstRow(getDb().select().from(images).where(eq(images.id, id))))!;

  it('disables an image, after which installs are refused; enabling makes it installable again', async () => {
    const imageId = await newImage('lifecycle-disable');
    expectOk(await change(admin, { imageId, change: 'status', status: 'disabled' }));
    expect((await row(imageId)).status).toBe('disabled');
    expect(await run(installImage, { imageId, nodeId }, admin)).toMatchObject({
      ok: false,
      error: 'Image lifecycle-disable is disabled and cannot be installed.',
    });

    // No node has hashed its file yet, so enabling brings it back to what it was: unverified.
    expectOk(await change(admin, { imageId, change: 'status', status: 'ok' }));
    expect((await row(imageId)).status).toBe('unverified');
  });

  it('soft-deletes: hidden from the default listing, shown with "show deleted", restorable as private', async () => {
    const imageId = await newImage('lifecycle-delete');
    expectOk(await change(admin, { imageId, change: 'access', access: 'deleted' }));
    expect((await listImages(admin)).map((i) => i.id)).not.toContain(imageId);
    expect((await listImages(admin, { includeDeleted: true })).map((i) => i.id)).toContain(imageId);
    expect(await run(installImage, { imageId, nodeId }, admin)).toMatchObject({
      ok: false,
      error: 'Image lifecycle-delete is deleted and cannot be installed.',
    });

    expectOk(await change(admin, { imageId, change: 'access', access: 'private' }));
    expect((await row(imageId)).access).toBe('private');
    expect((await listImages(admin)).map((i) => i.id)).toContain(imageId);
  });

  it('refuses to disable or delete a protected image until the flag is cleared', async () => {
    const imageId = await newImage('lifecycle-protected');
    expectOk(await change(admin, { imageId, change: 'protected', protected: true }));
    for (const input of [
      { change: 'status', status: 'disabled' },
      { change: 'access', access: 'deleted' },
    ]) {
      const refused = await change(admin, { imageId, ...input });
      expect(refused).toMatchObject({ ok: false, code: 'conflict' });
      expect(!refused.ok && refused.error).toMatch(
        /^lifecycle-protected is protected: clear the protected flag before you (disable|delete) it\.$/,
      );
    }
    expect(await row(imageId)).toMatchObject({ status: 'unverified', access: 'public', protected: true });

    expectOk(await change(admin, { imageId, change: 'protected', protected: 'false' }));
    expectOk(await change(admin, { imageId, change: 'access', access: 'deleted' }));
    expect((await row(imageId)).access).toBe('deleted');
  });

  it('refuses bad input with field errors and changes nothing', async () => {
    const imageId = await newImage('lifecycle-bad-input');
    expect(await change(admin, { imageId, change: 'status', status: 'pending' })).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(await change(admin, { imageId, change: 'owner', owner: 'me' })).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(await row(imageId)).toMatchObject({ status: 'unverified', access: 'public', protected: false });
  });

  it('follows the role matrix on the server: ImageAdmins manage their DC-bound images only; DCAdmins nothing', async () => {
    const imageAdmin = await createUserWithRole('ImageAdmin', dataCenterId);
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    const bound = await newImage('lifecycle-bound', { dcBoundId: dataCenterId });
    const global = await newImage('lifecycle-global');

    expectOk(await change(imageAdmin, { imageId: bound, change: 'status', status: 'disabled' }));
    expect(await change(imageAdmin, { imageId: global, change: 'status', status: 'disabled' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await change(dcAdmin, { imageId: bound, change: 'access', access: 'deleted' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect((await row(global)).status).toBe('unverified');
    expect((await row(bound)).access).toBe('public');

    const audits = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'image.lifecycle'), eq(auditEvents.outcome, 'denied')));
    expect(audits.map((a) => [a.userId, a.targetId])).toEqual(
      expect.arrayContaining([
        [imageAdmin.id, global],
        [dcAdmin.id, bound],
      ]),
    );
  });
});
