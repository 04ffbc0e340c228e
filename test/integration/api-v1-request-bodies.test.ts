import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WriteEndpoint } from '@/lib/api/v1/endpoint';
import { ENDPOINTS } from '@/lib/api/v1/endpoints/index';
import { requestBodySchema } from '@/lib/api/v1/json-schema';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images } from '@/lib/db/tables';
import { issueApiToken } from '@/lib/tokens/operations';
import { call, session } from '../support/api-client';
import { createDataCenterAs, createSuperAdmin, createUrlImage } from '../support/portal';
import { sampleBody } from '../support/sample-body';

const jsonBodies = ENDPOINTS.filter(
  (e): e is WriteEndpoint => e.method !== 'GET' && e.body !== 'none' && e.body !== 'stream',
);
const paramsFor = (path: string) =>
  Object.fromEntries(
    [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, name === 'role' ? 'DCAdmin' : crypto.randomUUID()]),
  );
/** What zod says when a schema gives no words of its own; an API caller should never read it. */
const VALIDATOR_TEXT = /Invalid input|Invalid option|Invalid (string|UUID|URL)|expected|received|Too (big|small)|NaN/;

const imageBody = (name: string) => ({
  name,
  version: '1',
  osType: 'linux',
  category: 'Linux',
  diskFormat: 'qcow2',
  containerFormat: 'bare',
  sourceUrl: 'http://127.0.0.1:9/x.qcow2',
  sha256: 'e'.repeat(64),
});

/**
 * A JSON body carries the fields its operation documents and nothing else: a misspelt or a
 * misplaced field (an id the path already gives) is refused with 400 naming it, before anything
 * runs, so a typo never silently does nothing. Every 400 names each field in plain words.
 */
describe('JSON API v1 request bodies', () => {
  let admin: UserContext;
  let token: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    token = (await issueApiToken(admin.id, 'bodies')).token;
  });

  it('refuses unknown fields on every endpoint that takes a JSON body, naming each, and runs nothing', async () => {
    expect(jsonBodies.length).toBeGreaterThan(25);
    for (const endpoint of jsonBodies) {
      const key = `${endpoint.method} ${endpoint.path}`;
      const params = paramsFor(endpoint.path);
      const body = { ...sampleBody(requestBodySchema(endpoint), Object.keys(params)), colour: 'red', sizee: 2 };
      const audited = (await getDb().select().from(auditEvents)).length;
      const answer = await call(endpoint.method, endpoint.path, { token, params, body });
      expect(answer, key).toMatchObject({
        status: 400,
        json: {
          error: {
            code: 'invalid',
            message: 'Unknown field(s): colour, sizee.',
            fields: { colour: ['Not a field of this request.'], sizee: ['Not a field of this request.'] },
          },
        },
      });
      // Refused before the operation runs: one audit event saying why, nothing else.
      const events = (await getDb().select().from(auditEvents)).slice(audited);
      expect(events, key).toMatchObject([
        {
          action: endpoint.op.name,
          outcome: 'error',
          details: { reason: 'unknown fields', fields: ['colour', 'sizee'] },
        },
      ]);
    }
    expect(await getDb().select().from(images)).toEqual([]);
  });

  it('refuses a field the path already gives, and a typo that would have been ignored', async () => {
    const imageId = await createUrlImage(admin, imageBody('bodies-lifecycle'));
    const statusBefore = (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))?.status;
    const misplaced = await call('POST', '/images/{imageId}/lifecycle', {
      token,
      params: { imageId },
      body: { imageId, change: 'status', status: 'disabled' },
    });
    expect(misplaced).toMatchObject({ status: 400, json: { error: { fields: { imageId: expect.any(Array) } } } });
    const typo = await call('POST', '/images', { token, body: { ...imageBody('bodies-typo'), protectd: true } });
    expect(typo.json.error).toEqual({
      code: 'invalid',
      message: 'Unknown field(s): protectd.',
      fields: { protectd: ['Not a field of this request.'] },
    });
    expect(await firstRow(getDb().select().from(images).where(eq(images.name, 'bodies-typo')))).toBeUndefined();
    expect((await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))?.status).toBe(statusBefore);
    // What the document lists goes through.
    const listed = await call('POST', '/images/{imageId}/lifecycle', {
      token,
      params: { imageId },
      body: { change: 'protected', protected: true },
    });
    expect(listed).toMatchObject({ status: 200, json: { imageId, protected: true } });
  });

  it('holds POST /session to its two fields as well', async () => {
    const refused = await session(admin.username, 'correct horse battery', { remember: true });
    expect(refused).toMatchObject({
      status: 400,
      json: {
        error: { message: 'Unknown field(s): remember.', fields: { remember: ['Not a field of this request.'] } },
      },
    });
  });

  it('names missing and mistyped fields in plain words, on every endpoint, never in the validator’s', async () => {
    const created = await call('POST', '/images', { token, body: { category: 'Linux', minDiskGb: 'ten' } });
    expect(created.status).toBe(400);
    expect(created.json.error.fields).toMatchObject({
      // The portal's words where the schema has none of its own…
      name: ['Name is required.'],
      version: ['Version is required.'],
      // …and the schema's own where it has them.
      osType: ['Choose an OS type.'],
      minDiskGb: ['Minimum disk must be a number.'],
    });
    const size = await call('POST', '/sizes', { token, body: { name: 'bad', vcpus: 2, memoryMb: 512, diskGb: 'ten' } });
    expect(size.json.error.fields).toEqual({ diskGb: ['Disk GB must be a number.'] });

    const dataCenterId = await createDataCenterAs(admin);
    let seen = 0;
    for (const endpoint of jsonBodies) {
      const params = {
        ...paramsFor(endpoint.path),
        ...(endpoint.path.includes('{dataCenterId}') ? { dataCenterId } : {}),
      };
      const schema = requestBodySchema(endpoint);
      const fields = Object.keys((schema.oneOf?.[0] ?? schema).properties ?? {});
      // Nothing at all, then every field of a kind no field takes.
      for (const body of [{}, Object.fromEntries(fields.map((name) => [name, { odd: true }]))]) {
        const answer = await call(endpoint.method, endpoint.path, { token, params, body });
        const messages = Object.values(answer.json.error?.fields ?? {}).flat() as string[];
        seen += messages.length;
        for (const message of messages)
          expect(message, `${endpoint.method} ${endpoint.path}`).not.toMatch(VALIDATOR_TEXT);
      }
    }
    expect(seen).toBeGreaterThan(100);
    const refusals = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, admin.id), eq(auditEvents.outcome, 'error')));
    expect(refusals.length).toBeGreaterThan(jsonBodies.length);
  });
});
