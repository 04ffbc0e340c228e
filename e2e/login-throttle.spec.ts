import { expect, test, type Page } from './support/test';
import { E2E_ADMIN } from './support/fixture';
import { logIn } from './support/login';

async function failLogin(page: Page, username: string, attempt: number) {
  await page.getByLabel('Username').fill(username);
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

/**
 * Throttling is tried on a username and an address of the test's own: the portal, reached
 * directly, takes a client's X-Forwarded-For as its address, so these failures fill no bucket that
 * another test's sign-ins count in. The last step proves another account still signs in from it.
 */
test('repeated failed logins are throttled with a message that says until when', async ({ page, world }) => {
  const username = world.unique('throttle-e2e-nobody');
  await page.setExtraHTTPHeaders({
    'X-Forwarded-For': `2001:db8::${world.suffix.slice(0, 4)}:${world.suffix.slice(4)}`,
  });
  await page.goto('/login');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await failLogin(page, username, attempt);
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid username or password.' })).toBeVisible();
  }
  await failLogin(page, username, 6);
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
