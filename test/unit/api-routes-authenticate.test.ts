import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * proxy.ts leaves /api/* alone (the proxy would buffer upload bodies), so every route handler must
 * check the session itself. This keeps a new route from forgetting it. Auth.js's own routes are the
 * one exception. (lib/api/view-response.ts is checked by the routes' integration and e2e tests.)
 */
function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

describe('API route handlers', () => {
  const routes = routeFiles(path.join(__dirname, '..', '..', 'app', 'api')).filter((f) => !f.includes(`${path.sep}auth${path.sep}`));

  it('exist', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it.each(routes.map((r) => [path.relative(process.cwd(), r), r]))('%s checks who is asking', (_name, file) => {
    const source = fs.readFileSync(file, 'utf8');
    // Either directly, or through respondWithView or the API v1 registry (a bearer token first),
    // or the route says at its top why it is public.
    expect(source).toMatch(/getCurrentUser\(|respondWithView\(|apiRoute\(|^\/\* public: .{10,}\*\//);
  });
});
