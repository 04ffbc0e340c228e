import crypto from 'node:crypto';
import createClient from 'openapi-fetch';
import type { paths } from './support/api-types';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin creates an API token on their profile, and a script uses it through a client typed
 * from the portal's own OpenAPI document (e2e/support/api-types.ts): it lists, creates an image and
 * uploads its file over HTTP, and is told which field is wrong or unknown. Once the token is revoked
 * in the UI the script is turned away.
 */
test('SuperAdmin creates an API token, uses it from a script, and revokes it', async ({
  page,
  request,
  world,
  baseURL,
}) => {
  const image = await world.image('token-e2e');
  const tokenName = world.unique('e2e-script');
  await logIn(page);
  await page.getByTestId('signed-in-user').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Create API token' });
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByText('Name the token, e.g. after the script that uses it.')).toBeVisible();
  await form.getByLabel('Token name').fill(tokenName);
  await form.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^cbp_/);

  const api = createClient<paths>({ baseUrl: baseURL, headers: { Authorization: `Bearer ${token}` } });
  const listed = await api.GET('/api/v1/images', { params: { query: { q: image.name, pageSize: 10 } } });
  expect(listed.response.status).toBe(200);
  expect(listed.data!.rows.map((row) => row.name)).toContain(image.name);

  // An image whose file the script uploads: the raw bytes as the body, streamed into the store.
  const fields = {
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'raw',
    containerFormat: 'bare',
  } as const;
  const created = await api.POST('/api/v1/images', {
    body: { ...fields, name: world.unique('api-upload'), source: 'upload' },
  });
  expect(created.response.status).toBe(201);
  const file = `raw disk bytes ${world.suffix} `.repeat(4096);
  const uploaded = await api.PUT('/api/v1/images/{imageId}/file', {
    params: { path: { imageId: created.data!.id } },
    body: file,
    bodySerializer: (bytes) => bytes,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expect(uploaded.response.status).toBe(200);
  expect(uploaded.data).toEqual({
    sha256: crypto.createHash('sha256').update(file).digest('hex'),
    md5: crypto.createHash('md5').update(file).digest('hex'),
    sizeBytes: Buffer.byteLength(file),
  });
  const read = await api.GET('/api/v1/images/{imageId}', { params: { path: { imageId: created.data!.id } } });
  expect(read.data!.image).toMatchObject({ status: 'ok', inPortalStore: true, sizeBytes: Buffer.byteLength(file) });

  const bad = await api.POST('/api/v1/images', { body: { ...fields, name: 'has space', sourceUrl: 'http://x/y' } });
  expect(bad.response.status).toBe(400);
  expect(bad.error!.error.fields!.name).toEqual([
    'Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.',
  ]);
  const typo = await api.POST('/api/v1/images/{imageId}/lifecycle', {
    params: { path: { imageId: image.id } },
    // @ts-expect-error: the script misspells a field; the types say so, and so does the portal
    body: { change: 'status', stauts: 'disabled' },
  });
  expect(typo.response.status).toBe(400);
  expect(typo.error!.error).toMatchObject({
    message: 'Unknown field(s): stauts.',
    fields: { stauts: ['Not a field of this request.'] },
  });

  await page.reload();
  await expect(page.getByTestId(`token-${tokenName}`)).toContainText('active');
  await page.getByTestId(`token-${tokenName}`).getByRole('button', { name: 'Revoke' }).click();
  await page
    .getByRole('dialog', { name: `Revoke token ${tokenName}?` })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(page.getByTestId(`token-${tokenName}`)).toContainText('revoked');
  expect((await api.GET('/api/v1/images')).response.status).toBe(401);

  await page.getByRole('link', { name: 'API', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'JSON API v1' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '/api/v1/images/{imageId}/file' })).toBeVisible();
  const openapi = await request.get('/api/v1/openapi.json');
  expect((await openapi.json()).openapi).toBe('3.1.0');
});
