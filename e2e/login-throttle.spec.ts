import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN } from './support/fixture';
import { logIn } from './support/login';

/**
 * Throttling is tried on a username of its own, so no other spec's sign-in is slowed down. Its five
 * failures also count for the address every spec signs in from (127.0.0.1), well under that
 * limit (20 by default); the last step proves the admin account still signs in.
 */
const USERNAME = 'throttle-e2e-nobody';

async function failLogin(page: Page, attempt: number) {
  await page.getByLabel('Username').fill(USERNAME);
  await page.getByLabel('Password').fill(`wrong guess ${attempt}`);
  // The login form's server action posts to /login; wait for its answer before the next try.
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  // React resets the form once the action's result is in; typing before that would be wiped.
  await expect(page.getByLabel('Password')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
}

test('repeated failed logins are throttled with a message that says until when', async ({ page }) => {
  await page.goto('/login');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await failLogin(page, attempt);
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid username or password.' })).toBeVisible();
  }
  await failLogin(page, 6);
  // Next.js's route announcer is an alert too; the form's own alert is the one with text.
  await expect(page.getByRole('alert').filter({ hasText: 'Too many' })).toHaveText(
    /^Too many failed sign-ins for this account or from your address\. Try again after \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\.$/,
  );
  await expect(page).toHaveURL(/\/login/);

  // Another account, from the same address, is not affected.
  await logIn(page);
});

test('the session cookie is httpOnly and SameSite', async ({ request }) => {
  const { csrfToken } = await (await request.get('/api/auth/csrf')).json();
  const response = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, username: E2E_ADMIN.username, password: E2E_ADMIN.password },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  const cookies = response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => h.value);
  const session = cookies.find((c) => c.startsWith('authjs.session-token='));
  expect(session, cookies.join('\n')).toBeDefined();
  expect(session).toMatch(/;\s*HttpOnly(;|$)/i);
  expect(session).toMatch(/;\s*SameSite=Lax(;|$)/i);
});
