/**
 * Calls the JSON API v1 through its route files under app/api/v1, as Next.js would, for integration
 * tests: a route file that exports the wrong method, or sits at the wrong path, fails the call.
 */
import { undocumentedIn } from './api-document';
import {
  exportedMethods,
  fillPath,
  findRouteFiles,
  loadRoute,
  type HttpMethod,
  type RouteFile,
  type RouteHandler,
} from './route-files';

const V1 = '/api/v1';

/** The route files of the JSON API by the path they answer, in the endpoints' notation (`/images/{imageId}`). */
let byPath: Map<string, RouteFile> | undefined;
export function v1RouteFiles(): Map<string, RouteFile> {
  byPath ??= new Map(findRouteFiles('app/api/v1').map((route) => [route.urlPath.slice(V1.length), route]));
  return byPath;
}

/** The handler the route file at `route` exports for `method`; throws when there is none. */
export async function v1Handler(method: string, route: string): Promise<{ file: RouteFile; handler: RouteHandler }> {
  const file = v1RouteFiles().get(route);
  if (!file) throw new Error(`No route file under app/api/v1 answers ${route}.`);
  const routeModule = await loadRoute(file);
  const handler = exportedMethods(routeModule).includes(method as HttpMethod) ? routeModule[method] : undefined;
  if (!handler) throw new Error(`${file.file} exports no ${method} handler.`);
  return { file, handler: handler as RouteHandler };
}

/** Calls an endpoint's route handler with a bearer token; `route` is the declared path, `params` fill it. */
export async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  route: string,
  options: { token?: string; body?: unknown; rawBody?: string; params?: Record<string, string>; query?: string } = {},
) {
  const { file, handler } = await v1Handler(method, route);
  const params = options.params ?? {};
  // Next passes exactly the route's dynamic segments; a test naming others would test nothing real.
  if ([...file.params].sort().join() !== Object.keys(params).sort().join())
    throw new Error(`${file.file} takes the params [${file.params}], not [${Object.keys(params)}].`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const url = `http://portal.test${fillPath(file.urlPath, params)}${options.query ? `?${options.query}` : ''}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
  const json = await response.json();
  // Whatever the test asserts, the answer must be one the document promises.
  const problems = undocumentedIn(method, file.urlPath, response.status, json);
  if (problems.length > 0)
    throw new Error(`${method} ${route} answered ${response.status}, not as documented:\n${problems.join('\n')}`);
  return { status: response.status, headers: response.headers, json };
}

/** POST /api/v1/session: a username and password traded for a token; `extra` adds fields it does not take. */
export async function session(username: string, password: string, extra: Record<string, unknown> = {}) {
  const { handler } = await v1Handler('POST', '/session');
  const body = JSON.stringify({ username, password, ...extra });
  const response = await handler(new Request(`http://portal.test${V1}/session`, { method: 'POST', body }), {
    params: Promise.resolve({}),
  });
  return { status: response.status, json: await response.json() };
}
