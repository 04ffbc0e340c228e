import { expect, type APIRequestContext } from '@playwright/test';
import { E2E_ADMIN } from './fixture';

/**
 * Sets up a spec's world through the JSON API as the e2e SuperAdmin, so a spec about one role does
 * not depend on the pages of another.
 */
export async function adminApi(request: APIRequestContext) {
  const signedIn = await request.post('/api/v1/session', { data: E2E_ADMIN });
  expect(signedIn.status()).toBe(201);
  const headers = { Authorization: `Bearer ${(await signedIn.json()).token}` };
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, data?: unknown) => {
    const response = await request.fetch(`/api/v1${path}`, { method, headers, data });
    const body = await response.json();
    expect(response.ok(), `${method} ${path}: ${JSON.stringify(body)}`).toBe(true);
    return body;
  };
  return {
    call,
    dataCenterNamed: async (name: string) => {
      const { dataCenters } = await call('GET', '/data-centers');
      return dataCenters.find((dc: { name: string }) => dc.name === name) as { id: string; name: string };
    },
    imageNamed: async (name: string) => {
      const { rows } = await call('GET', `/images?q=${encodeURIComponent(name)}&access=all`);
      return rows.find((i: { name: string }) => i.name === name) as { id: string; name: string };
    },
    /** A user holding one role on one data center; returns the credentials to log in with. */
    userWithRole: async (username: string, role: string, dataCenterId: string) => {
      const password = `${username}-password-1`;
      const { id } = await call('POST', '/users', { username, password });
      await call('PUT', `/users/${id}/grants/${dataCenterId}/${role}`);
      return { id, username, password };
    },
  };
}
