import 'server-only';
import type { NextResponse } from 'next/server';
import type { Endpoint } from './endpoint';
import { ENDPOINTS } from './endpoints/index';
import { apiMutate, apiRead } from './handlers';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<NextResponse>;

/**
 * One handler of a route file, from the registry: `export const GET = apiRoute('GET', '/images')`.
 * It authenticates the bearer token before anything else (apiRead, apiMutate); a route file with
 * no declared endpoint fails at start-up rather than answering wrongly.
 */
export function apiRoute(method: Endpoint['method'], path: string): Handler {
  const endpoint = ENDPOINTS.find((e) => e.method === method && e.path === path);
  if (!endpoint) throw new Error(`No API v1 endpoint is declared for ${method} ${path}.`);
  return async (request, context) => {
    const params = (await context.params) ?? {};
    if (endpoint.method === 'GET') {
      const search = new URL(request.url).searchParams;
      return apiRead(request, (user) => endpoint.load(user, { params, search }), endpoint.what);
    }
    return apiMutate(request, endpoint.op, {
      params,
      status: endpoint.status,
      body: endpoint.body,
      fixed: endpoint.fixed,
    });
  };
}
