import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * proxy.ts leaves /api/* alone (the proxy would buffer upload bodies), so every route handler must
 * check the session itself. This keeps a new route from forgetting it. Auth.js's own routes are the
 * one exception. (lib/api/view-response.ts is checked by the routes' integration and e2e tests.)
 * /imgapi/* is outside the proxy too (anonymous IMGAPI clients): its routes must say why they are public.
 * So must the Pages Router API routes (pages/api), which the proxy's matcher skips as /api/*.
 */
function routeFiles(dir: string, isRoute: (name: string) => boolean = (name) => name === 'route.ts'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full, isRoute);
    return isRoute(entry.name) ? [full] : [];
  });
}

describe('API route handlers', () => {
  const app = path.join(__dirname, '..', '..', 'app');
  const apiRoutes = routeFiles(path.join(app, 'api')).filter((f) => !f.includes(`${path.sep}auth${path.sep}`));
  const imgapiRoutes = routeFiles(path.join(app, 'imgapi'));
  const pagesApiRoutes = routeFiles(path.join(__dirname, '..', '..', 'pages', 'api'), (name) => name.endsWith('.ts'));
  const routes = [...apiRoutes, ...imgapiRoutes, ...pagesApiRoutes];

  it('exist', () => {
    expect(apiRoutes.length).toBeGreaterThan(0);
    expect(imgapiRoutes.length).toBeGreaterThanOrEqual(3);
    expect(pagesApiRoutes.length).toBeGreaterThanOrEqual(1);
  });

  it.each(routes.map((r) => [path.relative(process.cwd(), r), r]))('%s checks who is asking', (_name, file) => {
    const source = fs.readFileSync(file, 'utf8');
    // Either directly, or through respondWithView or the API v1 registry (a bearer token first),
    // or the route says at its top why it is public.
    expect(source).toMatch(/getCurrentUser\(|respondWithView\(|apiRoute\(|^\/\* public: .{10,}\*\//);
  });
});

describe('proxy.ts matcher', () => {
  // Read as text: importing proxy.ts would start Auth.js. Next reads the matcher as a path regex;
  // this one has no named segments, so it is a plain regular expression anchored at both ends.
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'proxy.ts'), 'utf8');
  const matcher = new RegExp(`^${/matcher: \['([^']+)'\]/.exec(source)![1]}$`);

  it('sends pages through the login check, and leaves /api and the anonymous /imgapi alone', () => {
    expect(matcher.test('/images')).toBe(true);
    expect(matcher.test('/api/v1/images')).toBe(false);
    expect(matcher.test('/imgapi/images')).toBe(false);
    expect(matcher.test('/imgapi/images/6f1f7c52-5b6e-4d7e-9a51-0c4a3f3a9b01/file')).toBe(false);
  });
});
