import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { createCloudAccount, deleteCloudAccount, updateCloudAccount } from '@/lib/clouds/operations';
import { loadConnection, requireCloudAccount } from '@/lib/clouds/accounts';
import { getDb } from '@/lib/db/client';
import { auditEvents, cloudAccounts, publications } from '@/lib/db/tables';
import { publishImage } from '@/lib/publish/operations';
import { call, session } from '../support/api-client';
import { lastAudit } from '../support/audit';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  run,
} from '../support/portal';

const SECRET = 'sw0rdf1sh-never-shown';

const s3Account = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  kind: 's3',
  bucket: 'golden-images',
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  forcePathStyle: 'on',
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: SECRET,
  ...extra,
});

describe('cloud accounts', () => {
  let admin: UserContext;
  let ownDc: string;
  let otherDc: string;
  beforeAll(async () => {
    admin = await createSuperAdmin();
    ownDc = await createDataCenterAs(admin);
    otherDc = await createDataCenterAs(admin);
  });

  it('seals the secrets: the row holds no plaintext, and the account opens only under its own id', async () => {
    const { id } = expectOk(await run(createCloudAccount, s3Account('sealed'), admin));
    const row = await requireCloudAccount(id);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(row.settings).toMatchObject({ bucket: 'golden-images', forcePathStyle: true, accessKeyId: 'AKIAEXAMPLE' });
    expect(loadConnection(row).secrets).toEqual({ secretAccessKey: SECRET });
    // A sealed value copied into another row does not open there.
    const other = expectOk(await run(createCloudAccount, s3Account('other-row'), admin));
    await getDb().update(cloudAccounts).set({ sealedSecrets: row.sealedSecrets }).where(eq(cloudAccounts.id, other.id));
    const copied = await requireCloudAccount(other.id);
    expect(() => loadConnection(copied)).toThrow();
    // Nor do the audit events of either carry it.
    const audited = await getDb().select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(audited.length).toBeGreaterThan(0);
    expect(JSON.stringify(audited)).not.toContain(SECRET);
  });

  it('keeps a stored secret when a change leaves it blank, and replaces it when one is given', async () => {
    const { id } = expectOk(await run(createCloudAccount, s3Account('kept'), admin));
    expectOk(
      await run(
        updateCloudAccount,
        { accountId: id, ...s3Account('kept', { bucket: 'other-bucket', secretAccessKey: '' }) },
        admin,
      ),
    );
    expect(loadConnection(await requireCloudAccount(id))).toMatchObject({
      settings: { bucket: 'other-bucket' },
      secrets: { secretAccessKey: SECRET },
    });
    expectOk(
      await run(updateCloudAccount, { accountId: id, ...s3Account('kept', { secretAccessKey: 'new-secret' }) }, admin),
    );
    expect(loadConnection(await requireCloudAccount(id)).secrets).toEqual({ secretAccessKey: 'new-secret' });
  });

  it('refuses bad input with field messages and changes nothing', async () => {
    const before = (await getDb().select().from(cloudAccounts)).length;
    const missing = await run(createCloudAccount, s3Account('no-secret', { secretAccessKey: '' }), admin);
    expect(missing).toMatchObject({ ok: false, fieldErrors: { secretAccessKey: ['Enter the secret access key.'] } });
    const badBucket = await run(createCloudAccount, s3Account('bad-bucket', { bucket: 'Not_A_Bucket' }), admin);
    expect(badBucket).toMatchObject({ ok: false, fieldErrors: { bucket: [expect.stringContaining('lowercase')] } });
    const noGlance = await run(createCloudAccount, { name: 'glance', kind: 'openstack', auth: 'none' }, admin);
    expect(noGlance).toMatchObject({
      ok: false,
      fieldErrors: { imageUrl: [expect.stringContaining('Image service URL')] },
    });
    const keystone = await run(
      createCloudAccount,
      { name: 'ks', kind: 'openstack', auth: 'password', authUrl: 'https://keystone.example.com/v3' },
      admin,
    );
    expect(keystone).toMatchObject({
      ok: false,
      fieldErrors: { username: expect.any(Array), projectName: expect.any(Array), password: expect.any(Array) },
    });
    expectOk(await run(createCloudAccount, s3Account('taken'), admin));
    expect(await run(createCloudAccount, s3Account('taken'), admin)).toMatchObject({
      ok: false,
      fieldErrors: { name: expect.any(Array) },
    });
    expect((await getDb().select().from(cloudAccounts)).length).toBe(before + 1);
  });

  it('is the SuperAdmins’ alone: other roles are refused and audited as denied', async () => {
    const imageAdmin = await createUserWithRole('ImageAdmin', ownDc);
    const dcAdmin = await createUserWithRole('DCAdmin', ownDc);
    for (const user of [imageAdmin, dcAdmin]) {
      const outcome = await run(createCloudAccount, s3Account(`by-${user.username}`), user);
      expect(outcome).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await lastAudit('cloud.create')).toMatchObject({ outcome: 'denied', userId: user.id });
    }
  });

  it('lets an ImageAdmin publish only to accounts bound to the image’s data center; a DCAdmin never', async () => {
    const own = expectOk(await run(createCloudAccount, s3Account('own-dc', { dataCenterId: ownDc }), admin));
    const other = expectOk(await run(createCloudAccount, s3Account('other-dc', { dataCenterId: otherDc }), admin));
    const imageAdmin = await createUserWithRole('ImageAdmin', ownDc);
    const dcAdmin = await createUserWithRole('DCAdmin', ownDc);
    const imageId = await createUrlImage(imageAdmin, {
      name: 'bound-image',
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      sha256: 'a'.repeat(64),
      dcBoundId: ownDc,
    });
    const refused = await run(publishImage, { imageId, accountId: other.id }, imageAdmin);
    expect(refused).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringContaining('publish this image'),
    });
    expect(await run(publishImage, { imageId, accountId: own.id }, dcAdmin)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    // Allowed by the policy, but a URL image has no file in the store to publish: said plainly, nothing queued.
    const urlImage = await run(publishImage, { imageId, accountId: own.id }, imageAdmin);
    expect(urlImage).toMatchObject({
      ok: false,
      error: expect.stringContaining('only stored images can be published'),
    });
    expect(await getDb().select().from(publications).where(eq(publications.imageId, imageId))).toEqual([]);
  });

  it('never returns a secret from the API, and refuses fields an account does not take', async () => {
    const token = (await session(admin.username, 'correct horse battery')).json.token as string;
    const created = await call('POST', '/clouds', { token, body: { ...s3Account('via-api'), forcePathStyle: true } });
    expect(created.status).toBe(201);
    const accountId = created.json.id as string;
    const listed = await call('GET', '/clouds', { token });
    const one = await call('GET', '/clouds/{accountId}', { token, params: { accountId } });
    expect(one.json).toMatchObject({
      name: 'via-api',
      storedSecrets: ['secretAccessKey'],
      settings: { bucket: 'golden-images' },
    });
    for (const answer of [created, listed, one]) expect(JSON.stringify(answer.json)).not.toContain(SECRET);
    const unknown = await call('POST', '/clouds', {
      token,
      body: { ...s3Account('extra'), forcePathStyle: true, colour: 'red' },
    });
    expect(unknown.status).toBe(400);
  });

  it('answers publish requests through the API as the pages do: 403 for a DCAdmin, the reason for a URL image', async () => {
    const { id: accountId } = expectOk(
      await run(createCloudAccount, s3Account('api-publish', { dataCenterId: ownDc }), admin),
    );
    const dcAdmin = await createUserWithRole('DCAdmin', ownDc);
    const imageId = await createUrlImage(admin, {
      name: 'api-publish-image',
      sourceUrl: 'http://127.0.0.1:9/z.qcow2',
      sha256: 'c'.repeat(64),
      dcBoundId: ownDc,
    });
    const tokenOf = async (username: string, password: string) =>
      (await session(username, password)).json.token as string;
    const asDcAdmin = await call('POST', '/images/{imageId}/publications', {
      token: await tokenOf(dcAdmin.username, 'long enough password'),
      params: { imageId },
      body: { accountId },
    });
    expect(asDcAdmin.status).toBe(403);
    const asAdmin = await call('POST', '/images/{imageId}/publications', {
      token: await tokenOf(admin.username, 'correct horse battery'),
      params: { imageId },
      body: { accountId },
    });
    expect(asAdmin.status).toBe(400);
    expect(asAdmin.json.error.message).toContain('only stored images can be published');
    const listed = await call('GET', '/images/{imageId}/publications', {
      token: await tokenOf(dcAdmin.username, 'long enough password'),
      params: { imageId },
    });
    expect(listed).toMatchObject({ status: 200, json: { publications: [] } });
  });

  it('refuses to remove an account while an image is published through it', async () => {
    const { id } = expectOk(await run(createCloudAccount, s3Account('in-use'), admin));
    const imageId = await createUrlImage(admin, {
      name: 'published-image',
      sourceUrl: 'http://127.0.0.1:9/y.qcow2',
      sha256: 'b'.repeat(64),
    });
    const at = new Date();
    await getDb().insert(publications).values({
      id: crypto.randomUUID(),
      imageId,
      accountId: id,
      status: 'published',
      remoteId: 'k',
      remoteUrl: 's3://b/k',
      createdAt: at,
      updatedAt: at,
    });
    const refused = await run(deleteCloudAccount, { accountId: id }, admin);
    expect(refused).toMatchObject({ ok: false, code: 'in_use', error: expect.stringContaining('1 published image') });
    expect((await requireCloudAccount(id)).name).toBe('in-use');
  });
});
