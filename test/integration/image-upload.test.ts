import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOperation } from '@/lib/actions/operation';
import type { UserContext } from '@/lib/auth/policy';
import { insertUser, getUserContext } from '@/lib/auth/users';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images, roleGrants } from '@/lib/db/tables';
import { createImage } from '@/lib/images/operations';
import { createDataCenter } from '@/lib/locations/operations';
import { localStoreDir, localStorePath } from '../support/store';
import { uploadImageFile } from '@/lib/store/upload';
import { expectOk } from '@/scripts/lib/portal-seed';

const MiB = 1024 * 1024;
const sha256Of = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const md5Of = (data: Buffer) => crypto.createHash('md5').update(data).digest('hex');

/** A request body as the route handler gets it: a web stream, delivered in chunks. */
function bodyOf(data: Buffer, chunkBytes = 256 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(new Uint8Array(data.subarray(offset, offset + chunkBytes)));
      offset += chunkBytes;
    },
  });
}

/** Everything in the store that belongs to an image: its final file or a leftover temp file. */
const storeFilesOf = (imageId: string) => {
  const dir = localStoreDir();
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(imageId)) : [];
};
const imageRow = async (imageId: string) =>
  (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!;
const uploadAudits = async (imageId: string) =>
  await getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'image.upload'), eq(auditEvents.targetId, imageId)));

describe('push mode: uploading an image file into the portal store', () => {
  let admin: UserContext;
  let dcAdmin: UserContext;
  let dataCenterId: string;
  let counter = 0;

  beforeAll(async () => {
    admin = (await getUserContext(
      await insertUser({ username: 'upload-admin', password: 'correct horse battery', isSuperAdmin: true }),
    ))!;
    dataCenterId = expectOk(await runOperation(createDataCenter, { code: 'upl-1', name: 'Upload DC' }, admin)).id;
    const dcAdminId = await insertUser({ username: 'upload-dc-admin', password: 'long enough password' });
    await getDb().insert(roleGrants).values({ userId: dcAdminId, dataCenterId, role: 'DCAdmin', createdAt: now() });
    dcAdmin = (await getUserContext(dcAdminId))!;
  });

  async function createUploadImage(fields: Record<string, unknown> = {}): Promise<string> {
    const input = {
      name: `up-${++counter}`,
      version: '1',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      source: 'upload',
      ...fields,
    };
    return expectOk(await runOperation(createImage, input, admin)).id;
  }

  it('creates an upload image pending, with no source URL and no file; a URL image still needs both', async () => {
    const imageId = await createUploadImage({
      sha256: 'AB'.repeat(32),
      sourceUrl: 'http://ignored.example/x.qcow2',
      sizeBytes: '10',
    });
    expect(await imageRow(imageId)).toMatchObject({
      status: 'pending',
      sourceUrl: null,
      storeFile: null,
      sizeBytes: null,
      sha256: 'ab'.repeat(32),
    });

    const base = {
      name: 'url-without-url',
      version: '1',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
    };
    const refused = await runOperation(createImage, { ...base, source: 'url' }, admin);
    expect(!refused.ok && Object.keys(refused.fieldErrors ?? {}).sort()).toEqual(['sha256', 'sourceUrl']);
    expect(await runOperation(createImage, { ...base, source: 'ftp-push' }, admin)).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { source: ['Choose where the file comes from.'] },
    });
    expect(await firstRow(getDb().select().from(images).where(eq(images.name, 'url-without-url')))).toBeUndefined();
  });

  it('streams several MiB into the store, hashing SHA-256 and MD5 in one pass, and records the file', async () => {
    const data = crypto.randomBytes(6 * MiB + 12345);
    const imageId = await createUploadImage();
    const outcome = await uploadImageFile(admin, imageId, { body: bodyOf(data), contentLength: data.length });

    expect(outcome).toEqual({
      ok: true,
      status: 200,
      sha256: sha256Of(data),
      md5: md5Of(data),
      sizeBytes: data.length,
    });
    const row = await imageRow(imageId);
    expect(row).toMatchObject({
      status: 'ok',
      storeFile: `${imageId}.qcow2`,
      sizeBytes: data.length,
      sha256: sha256Of(data),
      md5: md5Of(data),
    });
    // Recomputed from disk: the stored file is the upload, byte for byte, and no temp file is left.
    expect(sha256Of(fs.readFileSync(localStorePath(row.storeFile!)))).toBe(sha256Of(data));
    expect(storeFilesOf(imageId)).toEqual([`${imageId}.qcow2`]);
    expect(await uploadAudits(imageId)).toEqual([
      expect.objectContaining({
        userId: admin.id,
        outcome: 'ok',
        details: expect.objectContaining({ sha256: sha256Of(data), sizeBytes: data.length }),
      }),
    ]);
  });

  it('verifies checksums the user gave and accepts a matching file', async () => {
    const data = crypto.randomBytes(2 * MiB);
    const imageId = await createUploadImage({ sha256: sha256Of(data).toUpperCase(), md5: md5Of(data) });
    const outcome = await uploadImageFile(admin, imageId, { body: bodyOf(data), contentLength: data.length });
    expect(outcome).toEqual({
      ok: true,
      status: 200,
      sha256: sha256Of(data),
      md5: md5Of(data),
      sizeBytes: data.length,
    });
    expect(await imageRow(imageId)).toMatchObject({ status: 'ok', sha256: sha256Of(data), md5: md5Of(data) });
  });

  it('refuses a file whose SHA-256 differs from the one given, keeping nothing', async () => {
    const data = crypto.randomBytes(3 * MiB);
    const wrong = 'f'.repeat(64);
    const imageId = await createUploadImage({ sha256: wrong });
    const outcome = await uploadImageFile(admin, imageId, { body: bodyOf(data), contentLength: data.length });

    expect(outcome).toMatchObject({ ok: false, status: 400 });
    expect(!outcome.ok && outcome.error).toContain(wrong);
    expect(!outcome.ok && outcome.error).toContain(sha256Of(data));
    expect(storeFilesOf(imageId)).toEqual([]);
    expect(await imageRow(imageId)).toMatchObject({
      status: 'pending',
      storeFile: null,
      sizeBytes: null,
      sha256: wrong,
    });
    expect(await uploadAudits(imageId)).toEqual([expect.objectContaining({ outcome: 'error' })]);
  });

  it('refuses a body shorter or longer than its Content-Length, leaving no temp file', async () => {
    const data = crypto.randomBytes(2 * MiB);
    const imageId = await createUploadImage();

    const short = await uploadImageFile(admin, imageId, { body: bodyOf(data), contentLength: data.length + 4096 });
    expect(short).toMatchObject({ ok: false, status: 400 });
    expect(!short.ok && short.error).toMatch(/ended after 2097152 of 2101248 bytes/);
    expect(storeFilesOf(imageId)).toEqual([]);

    const long = await uploadImageFile(admin, imageId, { body: bodyOf(data), contentLength: data.length - 1 });
    expect(long).toMatchObject({ ok: false, status: 400 });
    expect(!long.ok && long.error).toMatch(/larger than its announced/);
    expect(storeFilesOf(imageId)).toEqual([]);
    expect(await imageRow(imageId)).toMatchObject({ status: 'pending', storeFile: null });

    // The image still takes a good upload afterwards.
    expect(await uploadImageFile(admin, imageId, { body: bodyOf(data), contentLength: data.length })).toMatchObject({
      ok: true,
      sha256: sha256Of(data),
      sizeBytes: data.length,
    });
    expect(await imageRow(imageId)).toMatchObject({
      status: 'ok',
      storeFile: `${imageId}.qcow2`,
      sizeBytes: data.length,
    });
    expect(storeFilesOf(imageId)).toEqual([`${imageId}.qcow2`]);
  });

  it('removes the temp file when the client goes away mid-upload', async () => {
    const imageId = await createUploadImage();
    const aborted = new AbortController();
    let sent = 0;
    // Sends 1 MiB, then "disconnects": the request's signal aborts and the body never ends.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) {
          controller.enqueue(new Uint8Array(crypto.randomBytes(MiB)));
          sent += MiB;
          return;
        }
        aborted.abort();
        return new Promise(() => {});
      },
    });
    const outcome = await uploadImageFile(admin, imageId, { body, contentLength: 8 * MiB, signal: aborted.signal });
    expect(outcome).toMatchObject({ ok: false, status: 400 });
    expect(!outcome.ok && outcome.error).toMatch(/cancelled/);
    expect(storeFilesOf(imageId)).toEqual([]);
    expect(await imageRow(imageId)).toMatchObject({ status: 'pending', storeFile: null });
  });

  it('refuses a DCAdmin, audited as denied, storing nothing', async () => {
    const imageId = await createUploadImage({ dcBoundId: dataCenterId });
    const data = crypto.randomBytes(MiB);
    const outcome = await uploadImageFile(dcAdmin, imageId, { body: bodyOf(data), contentLength: data.length });
    expect(outcome).toMatchObject({ ok: false, status: 403 });
    expect(!outcome.ok && outcome.error).toMatch(/You may not/);
    expect(storeFilesOf(imageId)).toEqual([]);
    expect(await uploadAudits(imageId)).toEqual([
      expect.objectContaining({ userId: dcAdmin.id, outcome: 'denied', dataCenterId }),
    ]);
  });

  it('answers anonymous callers, unknown images, missing lengths, form posts, full stores and second uploads', async () => {
    const data = crypto.randomBytes(64 * 1024);
    const imageId = await createUploadImage();
    const put = async (user: UserContext | null, id: string, contentLength: number | null) =>
      await uploadImageFile(user, id, { body: bodyOf(data), contentLength });

    expect(await put(null, imageId, data.length)).toMatchObject({ ok: false, status: 401 });
    expect(await put(admin, crypto.randomUUID(), data.length)).toMatchObject({ ok: false, status: 404 });
    expect(await put(admin, imageId, null)).toMatchObject({ ok: false, status: 411 });
    const form = await uploadImageFile(admin, imageId, {
      body: bodyOf(data),
      contentLength: data.length,
      contentType: 'multipart/form-data; boundary=x',
    });
    expect(form).toMatchObject({ ok: false, status: 415 });
    const full = await put(admin, imageId, Number.MAX_SAFE_INTEGER);
    expect(full).toMatchObject({ ok: false, status: 507 });
    expect(!full.ok && full.error).toMatch(/image store has .* free/);
    expect(await put(admin, imageId, data.length)).toMatchObject({ ok: true });
    expect(await put(admin, imageId, data.length)).toMatchObject({ ok: false, status: 409 });
  });

  it('confines store paths to the store', () => {
    expect(localStorePath('abc.qcow2')).toBe(`${localStoreDir()}/abc.qcow2`);
    for (const bad of ['../etc/passwd', 'a/b', '..', '.hidden', '', 'a\0b', 'x..y']) {
      expect(() => localStorePath(bad)).toThrow(/not a valid file name/);
    }
  });
});
