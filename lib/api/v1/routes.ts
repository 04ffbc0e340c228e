import 'server-only';
import type { NextResponse } from 'next/server';
import type { Endpoint } from './endpoint';
import { ENDPOINTS } from './endpoints/index';
import { apiMutate, apiRead } from './handlers';
import { apiStream } from './stream';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<NextResponse>;

/**
 * One handler of a route file, from the registry: `export const GET = apiRoute('GET', '/images')`.
 * It authenticates the bearer token before anything else (apiRead, apiMutate, apiStream); a route
 * file with no declared endpoint fails at start-up rather than answering wrongly.
 */
export function apiRoute(method: Endpoint['method'], path: string): Handler {
  const endpoint = ENDPOINTS.find((e) => e.method === method && e.path === path);
  if (!endpoint) throw new Error(`No API v1 endpoint is declared for ${method} ${path}.`);
  return async (request, context) => {
    const params = (await context.params) ?? {};
    if (endpoint.method === 'GET') {
      return await apiRead(request, endpoint, { params, search: new URL(request.url).searchParams });
    }
    if (endpoint.body === 'stream') return await apiStream(request, endpoint, params);
    return await apiMutate(request, endpoint, params);
  };
}
