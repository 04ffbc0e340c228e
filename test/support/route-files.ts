/**
 * The App Router's route files, found on disk and imported as Next.js loads them, so tests call the
 * handlers a request really reaches rather than what those files are assumed to contain.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A handler as Next.js calls it: the request, and the dynamic segments as a promise. */
export type RouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Response | Promise<Response>;

export type RouteFile = {
  /** Relative to the project, with forward slashes: `app/api/v1/images/[imageId]/route.ts`. */
  file: string;
  /** The URL path it answers, in the endpoints' notation: `/api/v1/images/{imageId}`. */
  urlPath: string;
  /** Its dynamic segments, which Next passes as params: `['imageId']`. */
  params: string[];
  /** Why anyone may call it, when its first line says so as `/* public: … *\/`; else null. */
  publicReason: string | null;
};

const PUBLIC_MARKER = /^\/\* public: (.*?) \*\/$/;

/** Every `route.ts` below `dir` (relative to the project, e.g. `app/api`), sorted by path. */
export function findRouteFiles(dir: string): RouteFile[] {
  return walk(path.join(PROJECT_ROOT, dir))
    .map((full) => describeRoute(path.relative(PROJECT_ROOT, full).split(path.sep).join('/')))
    .sort((a, b) => a.file.localeCompare(b.file));
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

function describeRoute(file: string): RouteFile {
  const segments = file.split('/').slice(1, -1); // without `app` and `route.ts`
  const params: string[] = [];
  const urlSegments = segments
    // A route group `(name)` is not part of the URL.
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => {
      const dynamic = /^\[(?:\.\.\.)?(\w+)\]$/.exec(segment);
      if (!dynamic) return segment;
      params.push(dynamic[1]!);
      return `{${dynamic[1]}}`;
    });
  const firstLine = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n', 1)[0]!;
  const publicReason = PUBLIC_MARKER.exec(firstLine)?.[1] ?? null;
  return { file, urlPath: `/${urlSegments.join('/')}`, params, publicReason };
}

/** The route file's module, imported once, as Next.js would load it. */
const modules = new Map<string, Promise<Record<string, unknown>>>();
export function loadRoute(route: RouteFile): Promise<Record<string, unknown>> {
  let loaded = modules.get(route.file);
  if (!loaded) {
    loaded = import(/* @vite-ignore */ path.join(PROJECT_ROOT, route.file)) as Promise<Record<string, unknown>>;
    modules.set(route.file, loaded);
  }
  return loaded;
}

/** The HTTP methods a route module answers: the ones it exports a function for. */
export function exportedMethods(module: Record<string, unknown>): HttpMethod[] {
  const names = Object.keys(module);
  return HTTP_METHODS.filter((method) => names.includes(method) && typeof module[method] === 'function');
}

/** The URL path with its `{param}` placeholders filled in, each value encoded as one segment. */
export function fillPath(urlPath: string, params: Record<string, string>): string {
  return urlPath.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${urlPath} needs the param ${name}.`);
    return encodeURIComponent(value);
  });
}
