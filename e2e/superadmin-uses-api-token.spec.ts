import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin creates an API token on their profile, a script uses it (plain HTTP requests, as
 * curl would send them), and once the token is revoked in the UI the script is turned away.
 */
test('SuperAdmin creates an API token, uses it from a script, and revokes it', async ({ page, request, world }) => {
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

  const auth = { Authorization: `Bearer ${token}` };
  const listed = await request.get(`/api/v1/images?q=${image.name}`, { headers: auth });
  expect(listed.status()).toBe(200);
  expect((await listed.json()).rows.map((r: { name: string }) => r.name)).toContain(image.name);
  const bad = await request.post('/api/v1/images', { headers: auth, data: { name: 'has space' } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.fields.name).toBeDefined();

  await page.reload();
  await expect(page.getByTestId(`token-${tokenName}`)).toContainText('active');
  await page.getByTestId(`token-${tokenName}`).getByRole('button', { name: 'Revoke' }).click();
  await page
    .getByRole('dialog', { name: `Revoke token ${tokenName}?` })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(page.getByTestId(`token-${tokenName}`)).toContainText('revoked');
  expect((await request.get('/api/v1/images', { headers: auth })).status()).toBe(401);

  await page.getByRole('link', { name: 'API', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'JSON API v1' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '/api/v1/images/{imageId}/purge' })).toBeVisible();
  const openapi = await request.get('/api/v1/openapi.json');
  expect((await openapi.json()).openapi).toBe('3.1.0');
});
