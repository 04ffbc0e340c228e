import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as imagesRoute from '@/app/api/v1/images/route';
import * as sessionRoute from '@/app/api/v1/session/route';
import { issueApiToken } from '@/lib/tokens/operations';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images } from '@/lib/db/tables';
import { createImage } from '@/lib/images/operations';
import { registerNode } from '@/lib/nodes/operations';
import { createDataCenterAs, createSuperAdmin, run } from '../support/portal';

const MiB = 1024 * 1024;
const noParams = { params: Promise.resolve({}) };

/** A request body that records whether anyone read it: 16 chunks of 128 KiB (2 MiB in all). */
function watchedBody() {
  const state = { pulls: 0 };
  const chunk = new Uint8Array(128 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls += 1;
      if (state.pulls > 16) controller.close();
      else controller.enqueue(chunk);
    },
  });
  return { stream, state };
}

function post(url: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    duplex: 'half',
  } as RequestInit);
}

/**
 * What a caller sends cannot exhaust the portal or slip past validation: the JSON API checks the
 * token before it reads a byte of the body, reads at most 1 MiB of one, and text with control
 * characters (a NUL that would make curl fetch a shorter URL than the one shown) is refused.
 */
describe('bounded and clean API input', async () => {
  let admin: UserContext;
  let token: string;
  const imageCount = async () => (await getDb().select().from(images)).length;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    token = (await issueApiToken(admin.id, 'limits')).token;
  });

  it('answers an anonymous write 401 without reading its body, and audits the refusal', async () => {
    const { stream, state } = watchedBody();
    const response = await imagesRoute.POST(post('http://portal.test/api/v1/images', stream), noParams);
    expect(response.status).toBe(401);
    expect(state.pulls).toBeLessThanOrEqual(1); // a stream may be primed with one chunk; never read on
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'image.create'), eq(auditEvents.outcome, 'denied')));
    expect(audit.at(-1)).toMatchObject({ userId: null, details: { reason: 'not signed in' } });
  });

  it('refuses a body over 1 MiB with 413: at once when Content-Length says so, after 1 MiB otherwise', async () => {
    const announced = watchedBody();
    const early = await imagesRoute.POST(
      post('http://portal.test/api/v1/images', announced.stream, {
        authorization: `Bearer ${token}`,
        'content-length': String(2 * MiB),
      }),
      noParams,
    );
    expect(early.status).toBe(413);
    expect(await early.json()).toEqual({
      error: { code: 'too_large', message: 'The request body is larger than 1 MiB; nothing was read beyond that.' },
    });
    expect(announced.state.pulls).toBeLessThanOrEqual(1);

    const unannounced = watchedBody();
    const late = await imagesRoute.POST(
      post('http://portal.test/api/v1/images', unannounced.stream, { authorization: `Bearer ${token}` }),
      noParams,
    );
    expect(late.status).toBe(413);
    // 1 MiB is 8 chunks; the ninth passes the cap and the rest are never asked for.
    expect(unannounced.state.pulls).toBeLessThan(12);

    const session = await sessionRoute.POST(post('http://portal.test/api/v1/session', watchedBody().stream));
    expect(session.status).toBe(413);
    expect(await imageCount()).toBe(0);
  });

  it('refuses a NUL in a source URL with a 400 that names the field, creating nothing', async () => {
    const body = {
      name: 'nul-url',
      version: '1',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      sha256: 'a'.repeat(64),
    };
    const response = await imagesRoute.POST(
      post(
        'http://portal.test/api/v1/images',
        JSON.stringify({ ...body, sourceUrl: 'http://mirror.example/ok.qcow2\u0000/../../evil' }),
        { authorization: `Bearer ${token}` },
      ),
      noParams,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'invalid',
        message: 'sourceUrl: Contains a control character (U+0000); remove it and try again.',
        fields: { sourceUrl: ['Contains a control character (U+0000); remove it and try again.'] },
      },
    });

    const spaced = await imagesRoute.POST(
      post(
        'http://portal.test/api/v1/images',
        JSON.stringify({ ...body, sourceUrl: 'http://mirror.example/my image.qcow2' }),
        { authorization: `Bearer ${token}` },
      ),
      noParams,
    );
    expect(spaced.status).toBe(400);
    expect(((await spaced.json()) as { error: { fields: Record<string, string[]> } }).error.fields.sourceUrl).toEqual([
      'A URL cannot contain spaces, line breaks or control characters; write a space as %20.',
    ]);
    expect(await imageCount()).toBe(0);
  });

  it('refuses control characters in what reaches a node, in a nested field too, and keeps line breaks where text is multi-line', async () => {
    const dataCenterId = await createDataCenterAs(admin);
    const node = {
      dataCenterId,
      name: 'n1',
      host: '127.0.0.9',
      port: 22,
      sshUser: 'portal',
      credentialId: crypto.randomUUID(),
      hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
    };
    expect(await run(registerNode, { ...node, imageDir: '/srv/images\u0007' }, admin)).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { imageDir: ['Contains a control character (U+0007); remove it and try again.'] },
    });
    expect(await run(registerNode, { ...node, imageDir: '/srv/images\nrm -rf /' }, admin)).toMatchObject({
      ok: false,
      fieldErrors: {
        imageDir: expect.arrayContaining(['The image directory cannot contain control characters or line breaks.']),
      },
    });
    expect(
      await run(registerNode, { ...node, imageDir: '/srv/images', extra: { deep: ['ok', 'x\u001by'] } }, admin),
    ).toMatchObject({
      ok: false,
      fieldErrors: { 'extra.deep': ['Contains a control character (U+001B); remove it and try again.'] },
    });
    const described = await run(
      createImage,
      {
        name: 'two-lines',
        version: '1',
        osType: 'linux',
        category: 'Linux',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        sourceUrl: 'http://mirror.example/a.qcow2',
        skipUrlCheck: 'on',
        sha256: 'b'.repeat(64),
        description: 'line one\r\n\tline two',
      },
      admin,
    );
    expect(described).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    expect((await firstRow(getDb().select().from(images).where(eq(images.name, 'two-lines'))))?.description).toBe(
      'line one\r\n\tline two',
    );
  });
});
