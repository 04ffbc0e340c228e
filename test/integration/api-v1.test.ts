import { Validator } from '@seriousme/openapi-schema-validator';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as openApiRoute from '@/app/api/v1/openapi.json/route';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images } from '@/lib/db/tables';
import { call, session } from '../support/api-client';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  insertUnreachableNode,
} from '../support/portal';

const SHA = 'e'.repeat(64);

describe('JSON API v1: tokens, the same operations as the UI, errors as JSON with the right status', () => {
  let admin: UserContext;
  let token: string;
  let dataCenterId: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    const signedIn = await session(admin.username, 'correct horse battery');
    expect(signedIn.status).toBe(201);
    token = signedIn.json.token;
  });

  const imageInput = (name: string) => ({
    name,
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    sourceUrl: 'http://127.0.0.1:9/x.qcow2',
    sha256: SHA,
    // Nothing listens there, on purpose: nothing downloads from it.
    skipUrlCheck: true,
  });

  it('trades a username and password for a token; a wrong password gets 401', async () => {
    expect(token).toMatch(/^cbp_[A-Za-z0-9_-]{43}$/);
    expect(await session(admin.username, 'wrong password')).toMatchObject({
      status: 401,
      json: { error: { code: 'unauthenticated' } },
    });
  });

  it('answers 401 without a token or with a made-up one, and changes nothing', async () => {
    const anonymous = await call('GET', '/images');
    expect(anonymous).toMatchObject({ status: 401, json: { error: { code: 'unauthenticated' } } });
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call('GET', '/images', { token: 'cbp_madeup' })).status).toBe(401);
    expect((await call('POST', '/images', { body: imageInput('api-anonymous') })).status).toBe(401);
    expect(await firstRow(getDb().select().from(images).where(eq(images.name, 'api-anonymous')))).toBeUndefined();
  });

  it('creates, lists and reads images; bad input is 400 with fields, a taken name 409', async () => {
    const created = await call('POST', '/images', { token, body: imageInput('api-image') });
    expect(created).toMatchObject({ status: 201, json: { id: expect.any(String) } });
    const listed = await call('GET', '/images', { token, query: 'q=api-image' });
    expect(listed.json.rows.map((r: { name: string }) => r.name)).toEqual(['api-image']);
    const one = await call('GET', '/images/{imageId}', { token, params: { imageId: created.json.id } });
    expect(one).toMatchObject({ status: 200, json: { image: { name: 'api-image', sha256: SHA } } });

    const bad = await call('POST', '/images', {
      token,
      body: { ...imageInput('api-bad'), name: '-bad', sha256: 'xyz' },
    });
    expect(bad).toMatchObject({
      status: 400,
      json: {
        error: {
          code: 'invalid',
          fields: {
            name: ['Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.'],
            sha256: ['A SHA-256 checksum is 64 hexadecimal characters.'],
          },
        },
      },
    });
    expect((await call('POST', '/images', { token, body: imageInput('api-image') })).status).toBe(409);
    expect((await call('GET', '/images', { token, query: 'sort=colour' })).status).toBe(400);
    expect(
      (await call('GET', '/images/{imageId}', { token, params: { imageId: '00000000-0000-4000-8000-000000000000' } }))
        .status,
    ).toBe(404);
  });

  it('refuses a permanent delete while a machine uses the image with 428, then allows it', async () => {
    const imageId = await createUrlImage(admin, imageInput('api-in-use'));
    const nodeId = await insertUnreachableNode(dataCenterId, 'api-node');
    const machine = await call('POST', '/machines', { token, body: { name: 'api-vm', nodeId, imageId } });
    expect(machine.status).toBe(201);
    const refused = await call('POST', '/images/{imageId}/purge', {
      token,
      params: { imageId },
      body: { confirmName: 'api-in-use' },
    });
    expect(refused).toMatchObject({
      status: 428,
      json: { error: { code: 'in_use', message: expect.stringContaining('api-vm') } },
    });
    expect(
      (await call('DELETE', '/machines/{machineId}', { token, params: { machineId: machine.json.machineId } })).status,
    ).toBe(200);
    const purged = await call('POST', '/images/{imageId}/purge', {
      token,
      params: { imageId },
      body: { confirmName: 'api-in-use' },
    });
    expect(purged).toMatchObject({ status: 200, json: { removed: true } });
  });

  it('takes the role matrix: a DCAdmin’s token is refused (403) and the refusal audited once, via the same operation', async () => {
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    const dcToken = (await session(dcAdmin.username, 'long enough password')).json.token;
    expect(
      (await call('GET', '/data-centers/{dataCenterId}', { token: dcToken, params: { dataCenterId } })).status,
    ).toBe(200);
    expect(await call('POST', '/images', { token: dcToken, body: imageInput('api-dcadmin') })).toMatchObject({
      status: 403,
      json: { error: { code: 'forbidden' } },
    });
    const denied = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, dcAdmin.id), eq(auditEvents.action, 'image.create')));
    expect(denied.map((e) => e.outcome)).toEqual(['denied']);
  });

  it('answers 400 to a body that is not JSON, with one audit event', async () => {
    const before = (await getDb().select().from(auditEvents).where(eq(auditEvents.action, 'datacenter.create'))).length;
    expect(await call('POST', '/data-centers', { token, rawBody: '{not json' })).toMatchObject({
      status: 400,
      json: { error: { code: 'invalid' } },
    });
    const after = await getDb().select().from(auditEvents).where(eq(auditEvents.action, 'datacenter.create'));
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ outcome: 'error', details: { reason: 'body is not JSON' } });
  });

  it('stops accepting a token once it is revoked', async () => {
    const created = await call('POST', '/tokens', { token, body: { name: 'ci script' } });
    expect(created).toMatchObject({ status: 201, json: { token: expect.stringMatching(/^cbp_/) } });
    const scriptToken = created.json.token as string;
    expect(
      (await call('GET', '/tokens', { token: scriptToken })).json.tokens.map((t: { name: string }) => t.name),
    ).toContain('ci script');
    expect((await call('DELETE', '/tokens/{tokenId}', { token, params: { tokenId: created.json.id } })).status).toBe(
      200,
    );
    expect((await call('GET', '/images', { token: scriptToken })).status).toBe(401);
  });

  it('manages users and grants: a role granted over the API applies to the grantee’s next request; disabling stops their token', async () => {
    const created = await call('POST', '/users', {
      token,
      body: { username: 'api-grantee', password: 'a long enough password' },
    });
    expect(created.status).toBe(201);
    const userId = created.json.id as string;
    const granteeToken = (await session('api-grantee', 'a long enough password')).json.token as string;
    expect(
      (await call('GET', '/data-centers/{dataCenterId}', { token: granteeToken, params: { dataCenterId } })).status,
    ).toBe(404);

    const grant = { userId, dataCenterId, role: 'DCAdmin' };
    expect((await call('PUT', '/users/{userId}/grants/{dataCenterId}/{role}', { token, params: grant })).status).toBe(
      200,
    );
    expect(
      (await call('GET', '/data-centers/{dataCenterId}', { token: granteeToken, params: { dataCenterId } })).status,
    ).toBe(200);
    // A DCAdmin reads, but infrastructure and people are SuperAdmins' business.
    expect((await call('GET', '/credentials', { token: granteeToken })).status).toBe(403);
    expect((await call('GET', '/users', { token: granteeToken })).status).toBe(403);
    expect(
      (
        await call('PUT', '/users/{userId}/grants/{dataCenterId}/{role}', {
          token: granteeToken,
          params: { ...grant, role: 'ImageAdmin' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('PUT', '/users/{userId}/grants/{dataCenterId}/{role}', {
          token,
          params: { ...grant, role: 'Owner' },
        })
      ).status,
    ).toBe(400);

    expect((await call('POST', '/users/{userId}/disable', { token, params: { userId } })).status).toBe(200);
    expect((await call('GET', '/images', { token: granteeToken })).status).toBe(401);
  });

  it('describes itself in an OpenAPI 3.1 document that validates', async () => {
    const document = await openApiRoute.GET().json();
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const createImage = document.paths['/api/v1/images'].post.requestBody.content['application/json'].schema;
    expect(createImage.required).toEqual(expect.arrayContaining(['name', 'version', 'osType']));
    expect(
      document.paths['/api/v1/images/{imageId}/purge'].post.requestBody.content['application/json'].schema.properties,
    ).not.toHaveProperty('imageId');
    // That every endpoint has its route file, bound to it, is test/unit/api-v1-route-files.test.ts.
  });
});
