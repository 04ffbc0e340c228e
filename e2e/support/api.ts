import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { E2E_ADMIN } from './fixture';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** A JSON answer as Playwright parses it: specs read the fields they asked for. */
type Json = Awaited<ReturnType<APIResponse['json']>>;

/**
 * The portal's JSON API v1 as the e2e SuperAdmin: how a spec builds its own world without going
 * through the pages of another story. Every call must succeed; a failure names the call and the
 * portal's error, so a broken set-up reads as one, not as a puzzling assertion later.
 */
export type Api = {
  call: (method: Method, path: string, data?: unknown) => Promise<Json>;
  get: (path: string) => Promise<Json>;
  post: (path: string, data?: unknown) => Promise<Json>;
  put: (path: string, data?: unknown) => Promise<Json>;
  delete: (path: string) => Promise<Json>;
  /** The raw answer, for a spec that checks a refusal itself. */
  fetch: (method: Method, path: string, data?: unknown) => Promise<APIResponse>;
};

/** Trades the admin's username and password for a token, as a script would. */
export async function signInToApi(request: APIRequestContext, user = E2E_ADMIN): Promise<string> {
  const response = await request.post('/api/v1/session', { data: user });
  const body = await response.json();
  expect(response.status(), `POST /api/v1/session: ${JSON.stringify(body)}`).toBe(201);
  return body.token as string;
}

export function apiClient(request: APIRequestContext, token: string): Api {
  const headers = { Authorization: `Bearer ${token}` };
  const fetch = (method: Method, path: string, data?: unknown) =>
    request.fetch(`/api/v1${path}`, { method, headers, data });
  const call = async (method: Method, path: string, data?: unknown) => {
    const response = await fetch(method, path, data);
    const body = await response.json();
    expect(response.ok(), `${method} ${path}: ${JSON.stringify(body)}`).toBe(true);
    return body;
  };
  return {
    call,
    fetch,
    get: (path) => call('GET', path),
    post: (path, data) => call('POST', path, data),
    put: (path, data) => call('PUT', path, data),
    delete: (path) => call('DELETE', path),
  };
}
