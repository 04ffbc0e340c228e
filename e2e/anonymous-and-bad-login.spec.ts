import { expect, test } from './support/test';

test('an anonymous visitor is sent to the login page', async ({ page }) => {
  await page.goto('/images');
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await expect(page.getByRole('heading', { name: 'Cloud Broker Portal' })).toBeVisible();
});

test('an anonymous API call gets 401, not data', async ({ request }) => {
  const someId = '00000000-0000-4000-8000-000000000000';
  for (const url of [`/api/jobs/${someId}`, `/api/images/${someId}/availability`]) {
    expect((await request.get(url)).status(), url).toBe(401);
  }
  const upload = await request.put(`/api/images/${someId}/file`, {
    data: Buffer.from('bytes'),
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expect(upload.status()).toBe(401);
});

// A user of the test's own: the failure counts against no account another test signs in with.
test('a wrong password cannot log in', async ({ page, world }) => {
  const user = await world.user('wrong-password');
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid username or password.' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/locations');
  await expect(page).toHaveURL(/\/login/);
});
