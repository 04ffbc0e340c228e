import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ENDPOINTS } from '@/lib/api/v1/endpoints/index';
import { issueApiToken } from '@/lib/tokens/operations';
import { openApiDocument } from '@/lib/api/v1/openapi';
import { getDb } from '@/lib/db/client';
import * as tables from '@/lib/db/tables';
import { auditEvents } from '@/lib/db/tables';
import {
  exportedMethods,
  fillPath,
  findRouteFiles,
  loadRoute,
  PROJECT_ROOT,
  type RouteFile,
  type RouteHandler,
} from '../support/route-files';
import { createDataCenterAs, createSuperAdmin, createUrlImage } from '../support/portal';
import { sampleBody } from '../support/sample-body';

// A request without a session cookie, as Auth.js answers it. (Its own module does not load under
// Vitest, and a cookie is not what is tested here: what each route does when there is none.)
vi.mock('@/lib/auth/auth', () => ({ auth: async () => null }));

/**
 * proxy.ts leaves /api/* alone (it would buffer upload bodies), so every route handler must refuse
 * an anonymous caller itself. Each one is called here, for every method it exports, and must answer
 * 401 and change nothing. A route may be public only by saying why in its first line; those are
 * pinned below, so making one public is a visible decision.
 */
const PUBLIC_ROUTES = [
  'app/api/v1/openapi.json/route.ts',
  'app/api/v1/session/route.ts',
  'app/imgapi/images/[uuid]/route.ts',
  'app/imgapi/images/route.ts',
  'app/imgapi/ping/route.ts',
];
/** Pages Router API routes: outside the proxy's matcher as /api/*, all of them public. */
const PUBLIC_PAGES_API = ['pages/api/imgapi/images/[uuid]/file.ts'];

const API_TOKEN_REFUSAL = {
  error: { code: 'unauthenticated', message: 'Send a valid API token: Authorization: Bearer <token>.' },
};
const SIGN_IN_FIRST = { error: { code: 'unauthenticated', message: 'Sign in first.' } };
/** The JSON API's streamed uploads audit a refusal as the browser's upload does, body unread. */
const STREAMED_V1: Record<string, object[]> = {
  'PUT /api/v1/images/{imageId}/file': [
    { action: 'image.upload', userId: null, outcome: 'denied', details: { error: 'You must sign in first.' } },
  ],
};
/** What the routes outside the JSON API answer an anonymous caller, and audit. */
const OUTSIDE_V1: Record<string, { body: unknown; audit: object[] }> = {
  'GET /api/images/{id}/availability': { body: SIGN_IN_FIRST, audit: [] },
  // The upload's answer has its own shape, which the Images form reads.
  'PUT /api/images/{id}/file': {
    body: { ok: false, error: 'You must sign in first.' },
    audit: [{ action: 'image.upload', userId: null, outcome: 'denied', details: { error: 'You must sign in first.' } }],
  },
  'GET /api/jobs': { body: SIGN_IN_FIRST, audit: [] },
  'GET /api/jobs/{id}': { body: SIGN_IN_FIRST, audit: [] },
};

// Auth.js's own routes are where a session begins: signing in, CSRF, the session itself.
const routes = [...findRouteFiles('app/api'), ...findRouteFiles('app/imgapi')].filter(
  (route) => !route.file.startsWith('app/api/auth/'),
);
const guarded = routes.filter((route) => route.publicReason === null);

/** Every row of every table but the audit log, which records each refusal. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const [name, table] of Object.entries(tables)) {
    if (typeof table !== 'object' || table === auditEvents) continue;
    rows[name] = await getDb()
      .select()
      .from(table as typeof auditEvents);
  }
  return rows;
}

/** Plausible params: a role where the path takes one, a fresh uuid for every id. */
const paramsFor = (route: RouteFile) =>
  Object.fromEntries(route.params.map((name) => [name, name === 'role' ? 'ImageAdmin' : crypto.randomUUID()]));

/** The body a caller who read the route would send: the documented JSON, or an image file. */
function requestFor(route: RouteFile, method: string, params: Record<string, string>): Request {
  const url = `http://portal.test${fillPath(route.urlPath, params)}`;
  if (
    route.file === 'app/api/images/[id]/file/route.ts' ||
    route.file === 'app/api/v1/images/[imageId]/file/route.ts'
  ) {
    const file = Buffer.from('anonymous disk bytes');
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(file.length) };
    return new Request(url, { method, headers, body: file });
  }
  const documented = openApiDocument().paths as Record<string, Record<string, OpenApiOperation>>;
  const schema = documented[route.urlPath]?.[method.toLowerCase()]?.requestBody?.content['application/json']?.schema;
  if (!schema) return new Request(url, { method });
  const body = JSON.stringify(sampleBody(schema, route.params));
  return new Request(url, { method, headers: { 'content-type': 'application/json' }, body });
}
type OpenApiOperation = { requestBody?: { content: Record<string, { schema: Parameters<typeof sampleBody>[0] }> } };

const auditCount = async () => (await getDb().select().from(auditEvents)).length;

describe('route handlers called anonymously', () => {
  let before: Record<string, unknown[]>;

  beforeAll(async () => {
    // Something to change or leak: a user with a token, a data center, an image.
    const admin = await createSuperAdmin();
    await issueApiToken(admin.id, 'present');
    await createUrlImage(admin, {
      name: 'anonymous-target',
      dcBoundId: await createDataCenterAs(admin),
      sourceUrl: 'https://images.example/a.qcow2',
      sha256: 'a'.repeat(64),
    });
    before = await snapshot();
  });

  it('are all found, and only the pinned ones are public, each saying why', () => {
    expect(guarded.filter((r) => r.file.startsWith('app/api/v1/')).length).toBeGreaterThan(40);
    expect(guarded.filter((r) => !r.file.startsWith('app/api/v1/')).map((r) => r.file)).toEqual([
      'app/api/images/[id]/availability/route.ts',
      'app/api/images/[id]/file/route.ts',
      'app/api/jobs/[id]/route.ts',
      'app/api/jobs/route.ts',
    ]);
    const publicRoutes = routes.filter((route) => route.publicReason !== null);
    expect(publicRoutes.map((route) => route.file)).toEqual(PUBLIC_ROUTES);
    for (const route of publicRoutes) expect(route.publicReason!.length, route.file).toBeGreaterThanOrEqual(10);

    const pagesApi = path.join(PROJECT_ROOT, 'pages', 'api');
    const pagesFiles = (fs.readdirSync(pagesApi, { recursive: true }) as string[])
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `pages/api/${name.split(path.sep).join('/')}`);
    expect(pagesFiles).toEqual(PUBLIC_PAGES_API);
    for (const file of pagesFiles)
      expect(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n', 1)[0], file).toMatch(
        /^\/\* public: .{10,} \*\/$/,
      );
  });

  it.each(guarded.map((route) => [route.file, route] as const))('%s answers 401', async (_file, route) => {
    const routeModule = await loadRoute(route);
    const methods = exportedMethods(routeModule);
    expect(methods.length, `${route.file} exports no handler`).toBeGreaterThan(0);
    for (const method of methods) {
      const key = `${method} ${route.urlPath}`;
      const params = paramsFor(route);
      const audited = await auditCount();
      const handler = routeModule[method] as RouteHandler;
      const response = await handler(requestFor(route, method, params), { params: Promise.resolve(params) });

      expect(response.status, key).toBe(401);
      const newEvents = (await getDb().select().from(auditEvents)).slice(audited);
      if (route.file.startsWith('app/api/v1/')) {
        expect(await response.json(), key).toEqual(API_TOKEN_REFUSAL);
        expect(response.headers.get('cache-control'), key).toBe('no-store');
        expect(response.headers.get('www-authenticate'), key).toBe('Bearer realm="cloud-broker-portal"');
        const endpoint = ENDPOINTS.find((e) => `${e.method} /api/v1${e.path}` === key);
        // A write's refusal is audited once, as the operation it would have run; a read leaves no trace.
        const expected =
          endpoint && 'op' in endpoint
            ? [{ action: endpoint.op.name, userId: null, outcome: 'denied', details: { reason: 'not signed in' } }]
            : (STREAMED_V1[key] ?? []);
        expect(newEvents, key).toMatchObject(expected);
        expect(newEvents, key).toHaveLength(expected.length);
      } else {
        const expected = OUTSIDE_V1[key];
        expect(expected, `say what ${key} answers an anonymous caller`).toBeTypeOf('object');
        expect(await response.json(), key).toEqual(expected!.body);
        expect(newEvents, key).toMatchObject(expected!.audit);
        expect(newEvents, key).toHaveLength(expected!.audit.length);
      }
    }
  });

  it('changed nothing but the audit log', async () => {
    expect(await snapshot()).toEqual(before);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['users', 'dataCenters', 'images', 'jobs']));
    expect(before.images).toHaveLength(1);
    expect(before.apiTokens).toHaveLength(1);
  });
});
