import { describe, expect, it, vi } from 'vitest';
import { ENDPOINTS } from '@/lib/api/v1/endpoints/index';
import { openApiDocument } from '@/lib/api/v1/openapi';
import { v1RouteFiles } from '../support/api-client';
import { exportedMethods, HTTP_METHODS, loadRoute } from '../support/route-files';

// Every handler made by apiRoute remembers the endpoint it was made for: a route file that exports
// POST bound to PUT's declaration, or sits in a directory other than its path, then shows.
vi.mock('@/lib/api/v1/routes', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/api/v1/routes')>();
  return {
    ...real,
    apiRoute: (method: Parameters<typeof real.apiRoute>[0], path: string) =>
      Object.assign(real.apiRoute(method, path), { boundTo: `${method} ${path}` }),
  };
});

/** What Next.js reads from a route file besides its handlers (route segment config). */
const SEGMENT_CONFIG = [
  'dynamic',
  'dynamicParams',
  'revalidate',
  'fetchCache',
  'runtime',
  'preferredRegion',
  'maxDuration',
];

const boundTo = (handler: unknown) => (handler as { boundTo?: string } | undefined)?.boundTo;

describe('JSON API v1 route files', () => {
  it('give every declared endpoint a route file at its path that exports its method, bound to it', async () => {
    expect(ENDPOINTS.length).toBeGreaterThan(40);
    // The streamed upload is an endpoint like the others: declared, documented, bound to its route file.
    expect(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).toContain('PUT /images/{imageId}/file');
    for (const { method, path } of ENDPOINTS) {
      const route = v1RouteFiles().get(path);
      expect(route?.file, `${method} ${path} has no route file`).toBeTypeOf('string');
      const routeModule = await loadRoute(route!);
      expect(boundTo(routeModule[method]), `${route!.file} ${method}`).toBe(`${method} ${path}`);
    }
  });

  it('export nothing but declared endpoints, bound to their own path and method', async () => {
    const declared = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`));
    const documented = openApiDocument().paths as Record<string, Record<string, unknown>>;
    for (const route of v1RouteFiles().values()) {
      const routeModule = await loadRoute(route);
      const path = route.urlPath.slice('/api/v1'.length);
      const methods = exportedMethods(routeModule);
      expect(methods.length, `${route.file} exports no handler`).toBeGreaterThan(0);
      const unknownExports = Object.keys(routeModule).filter(
        (name) => !(HTTP_METHODS as readonly string[]).includes(name) && !SEGMENT_CONFIG.includes(name),
      );
      expect(unknownExports, `${route.file} exports something Next.js does not read`).toEqual([]);
      for (const method of methods) {
        if (route.publicReason !== null) {
          // Public routes answer anonymous callers themselves; the document describes all but itself.
          expect(boundTo(routeModule[method]), `${route.file} ${method}`).toBeUndefined();
          if (path !== '/openapi.json')
            expect(documented[route.urlPath]?.[method.toLowerCase()], `${route.file} ${method}`).toBeTypeOf('object');
          continue;
        }
        expect(declared.has(`${method} ${path}`), `${route.file} exports an undeclared ${method}`).toBe(true);
        expect(boundTo(routeModule[method]), `${route.file} ${method}`).toBe(`${method} ${path}`);
      }
    }
  });

  it('answer every path and method the OpenAPI document promises', async () => {
    const documented = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const promised = Object.entries(documented).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered: string[] = [];
    for (const route of v1RouteFiles().values())
      for (const method of exportedMethods(await loadRoute(route))) answered.push(`${method} ${route.urlPath}`);
    expect(answered).toEqual(expect.arrayContaining(promised));
    expect(promised).toContain('POST /api/v1/session');
    expect(promised).toHaveLength(ENDPOINTS.length + 1);
  });
});
