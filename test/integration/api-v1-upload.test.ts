import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images } from '@/lib/db/tables';
import { issueApiToken } from '@/lib/tokens/operations';
import { undocumentedIn } from '../support/api-document';
import { call, v1Handler } from '../support/api-client';
import { createDataCenterAs, createSuperAdmin, createUserWithRole } from '../support/portal';

const ROUTE = '/images/{imageId}/file';
const sha256Of = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const md5Of = (data: Buffer) => crypto.createHash('md5').update(data).digest('hex');

/** A body in 64 KiB chunks that counts how often it was read from. */
function watchedBody(data: Buffer) {
  const state = { pulls: 0 };
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls += 1;
      if (offset >= data.length) return controller.close();
      controller.enqueue(new Uint8Array(data.subarray(offset, offset + 64 * 1024)));
      offset += 64 * 1024;
    },
  });
  return { stream, state };
}

/** PUT the file as a script would: raw bytes, its length announced, through the route file. */
async function putFile(imageId: string, data: Buffer, options: { token?: string; headers?: Record<string, string> }) {
  const { handler } = await v1Handler('PUT', ROUTE);
  const body = watchedBody(data);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(data.length),
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const request = new Request(`http://portal.test/api/v1/images/${imageId}/file`, {
    method: 'PUT',
    headers,
    body: body.stream,
    duplex: 'half',
  } as RequestInit);
  const response = await handler(request, { params: Promise.resolve({ imageId }) });
  const json = await response.json();
  expect(undocumentedIn('PUT', `/api/v1${ROUTE}`, response.status, json)).toEqual([]);
  return { status: response.status, json, pulls: body.state.pulls };
}

const uploadAudits = async (imageId: string) =>
  await getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'image.upload'), eq(auditEvents.targetId, imageId)));

/**
 * PUT /api/v1/images/{imageId}/file: the browser's upload, for a script with a token. The same
 * store code runs (reservations, hashing, safety, 507 on a full store); the token, the image and
 * the caller's rights are settled before a byte of the body is read.
 */
describe('JSON API v1: uploading an image file with a token', () => {
  let admin: UserContext;
  let token: string;
  let dcAdminToken: string;
  let dataCenterId: string;
  let counter = 0;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    token = (await issueApiToken(admin.id, 'upload script')).token;
    dataCenterId = await createDataCenterAs(admin);
    dcAdminToken = (await issueApiToken((await createUserWithRole('DCAdmin', dataCenterId)).id, 'reader')).token;
  });

  async function uploadImage(fields: Record<string, unknown> = {}): Promise<string> {
    const created = await call('POST', '/images', {
      token,
      body: {
        ...fields,
        name: `api-upload-${++counter}`,
        version: '1',
        osType: 'linux',
        category: 'Linux',
        diskFormat: 'raw',
        containerFormat: 'bare',
        source: 'upload',
      },
    });
    expect(created).toMatchObject({ status: 201, json: { awaitsUpload: true } });
    return created.json.id as string;
  }

  it('stores the file, hashed on the way, and the image becomes usable', async () => {
    const imageId = await uploadImage();
    const data = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const uploaded = await putFile(imageId, data, { token });
    expect(uploaded).toMatchObject({
      status: 200,
      json: { sha256: sha256Of(data), md5: md5Of(data), sizeBytes: data.length },
    });
    const read = await call('GET', '/images/{imageId}', { token, params: { imageId } });
    expect(read.json.image).toMatchObject({ status: 'ok', inPortalStore: true, sha256: sha256Of(data) });
    expect((await uploadAudits(imageId)).map((e) => [e.userId, e.outcome])).toEqual([[admin.id, 'ok']]);

    // It has its file now: a second upload is refused before its body is read.
    const again = await putFile(imageId, data, { token });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
    expect(again.pulls).toBeLessThanOrEqual(1);
  });

  it('checks the token first: anonymous or unknown callers get 401 and their body is never read', async () => {
    const imageId = await uploadImage();
    for (const badToken of [undefined, 'cbp_madeup']) {
      const refused = await putFile(imageId, crypto.randomBytes(1024 * 1024), { token: badToken });
      expect(refused).toMatchObject({
        status: 401,
        json: { error: { code: 'unauthenticated', message: 'Send a valid API token: Authorization: Bearer <token>.' } },
      });
      expect(refused.pulls).toBeLessThanOrEqual(1); // a stream may be primed with one chunk; never read on
    }
    expect((await uploadAudits(imageId)).map((e) => [e.userId, e.outcome])).toEqual([
      [null, 'denied'],
      [null, 'denied'],
    ]);
    expect(await firstRow(getDb().select().from(images).where(eq(images.id, imageId)))).toMatchObject({
      status: 'pending',
    });
  });

  it('refuses, unread, a caller the role matrix refuses, a missing length, the wrong type and a full store', async () => {
    // Bound to the data center, so its DCAdmin sees the image and is refused changing it.
    const imageId = await uploadImage({ dcBoundId: dataCenterId });
    const data = crypto.randomBytes(256 * 1024);
    const forbidden = await putFile(imageId, data, { token: dcAdminToken });
    expect(forbidden).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });

    const { handler } = await v1Handler('PUT', ROUTE);
    const unannounced = await handler(
      new Request(`http://portal.test/api/v1/images/${imageId}/file`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: watchedBody(data).stream,
        duplex: 'half',
      } as RequestInit),
      { params: Promise.resolve({ imageId }) },
    );
    expect(unannounced.status).toBe(411);
    expect(await unannounced.json()).toMatchObject({ error: { code: 'length_required' } });

    const text = await putFile(imageId, data, { token, headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 415, json: { error: { code: 'unsupported_media_type' } } });

    // A margin larger than any disk: nothing fits, and the upload is refused before it starts.
    const margin = process.env.PORTAL_STORE_MARGIN_MB;
    process.env.PORTAL_STORE_MARGIN_MB = String(1024 * 1024 * 1024);
    try {
      const full = await putFile(imageId, data, { token });
      expect(full).toMatchObject({ status: 507, json: { error: { code: 'insufficient_storage' } } });
      expect(full.pulls).toBeLessThanOrEqual(1);
    } finally {
      if (margin === undefined) delete process.env.PORTAL_STORE_MARGIN_MB;
      else process.env.PORTAL_STORE_MARGIN_MB = margin;
    }
    for (const refused of [forbidden, text]) expect(refused.pulls).toBeLessThanOrEqual(1);
    expect(await firstRow(getDb().select().from(images).where(eq(images.id, imageId)))).toMatchObject({
      status: 'pending',
      storeFile: null,
    });
  });
});
