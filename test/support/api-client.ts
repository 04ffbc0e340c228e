/** Calls the JSON API v1's route handlers as Next.js would, for integration tests. */
import * as sessionRoute from '@/app/api/v1/session/route';
import { apiRoute } from '@/lib/api/v1/routes';

/** Calls an endpoint's handler with a bearer token; `route` is the declared path, `params` fill it. */
export async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  route: string,
  options: { token?: string; body?: unknown; rawBody?: string; params?: Record<string, string>; query?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const url = `http://portal.test/api/v1${route}${options.query ? `?${options.query}` : ''}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await apiRoute(method, route)(new Request(url, { method, headers, body }), {
    params: Promise.resolve(options.params ?? {}),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

/** POST /api/v1/session: a username and password traded for a token. */
export async function session(username: string, password: string) {
  const response = await sessionRoute.POST(
    new Request('http://portal.test/api/v1/session', { method: 'POST', body: JSON.stringify({ username, password }) }),
  );
  return { status: response.status, json: await response.json() };
}
