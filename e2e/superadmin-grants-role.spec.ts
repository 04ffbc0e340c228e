import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin creates a user and grants them DCAdmin on a data center: the grantee's next page
 * load shows it, read-only; a revoke takes it away on the next page load, and disabling the user
 * ends their session. The grantee never signs in again.
 */
test('a SuperAdmin grants a role and the grantee’s next page load reflects it, without signing in again', async ({
  page,
  browser,
  world,
}) => {
  const dc = await world.dataCenter('Rotterdam');
  const node = await world.node(dc);
  const GRANTEE = { username: world.unique('grantee-e2e'), password: 'grantee e2e passphrase' };
  await logIn(page);
  const roles = page.getByRole('table', { name: `Roles of ${GRANTEE.username}` });
  // Outcomes are toasts, announced in a polite live region over the page.
  const notices = page.getByRole('region', { name: /^Notifications/ });

  await test.step('create the user', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    const form = page.getByRole('form', { name: 'Create user' });
    await form.getByLabel('Username').fill(GRANTEE.username);
    await form.getByLabel('Name', { exact: true }).fill('Grantee');
    await form.getByLabel('Password').fill(GRANTEE.password);
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByRole('heading', { level: 1, name: GRANTEE.username })).toBeVisible();
    // The create redirects to the user's page; its notice follows the redirect.
    await expect(notices).toContainText(`User ${GRANTEE.username} created.`);
    await expect(roles).toContainText(`${GRANTEE.username} holds no role on any data center`);
  });

  const granteeContext = await browser.newContext();
  const grantee = await granteeContext.newPage();
  await test.step('the grantee signs in and sees no data center', async () => {
    await logIn(grantee, GRANTEE);
    await grantee.goto('/locations');
    await expect(grantee.getByText('You have no role on any data center yet.')).toBeVisible();
  });

  await test.step('grant DCAdmin on the data center', async () => {
    const form = page.getByRole('form', { name: 'Grant a role' });
    await form.getByLabel('Data center').selectOption({ label: dc.name });
    await form.getByLabel('Role').selectOption('DCAdmin');
    await form.getByRole('button', { name: 'Grant role' }).click();
    await expect(roles.getByRole('row', { name: dc.name })).toContainText('In effect');
    await expect(notices).toContainText(`DCAdmin granted on ${dc.name}.`);
    await expect(notices).toHaveAttribute('aria-live', 'polite');
  });

  await test.step('the grantee’s next page load shows the data center, read-only, and its audit', async () => {
    await grantee.reload();
    await grantee.getByRole('link', { name: dc.name }).click();
    await expect(grantee.getByRole('heading', { level: 1, name: dc.name })).toBeVisible();
    await expect(grantee.getByRole('table', { name: 'Nodes', exact: true })).toContainText(node.name);
    await expect(grantee.getByRole('link', { name: 'Register node' })).toHaveCount(0);
    await expect(grantee.getByRole('button', { name: 'Attach' })).toHaveCount(0);
    await grantee.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await expect(grantee.getByRole('table', { name: 'Audit events' })).toContainText('user.grant-role');
    await expect(grantee.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' })).toHaveCount(
      0,
    );
    await grantee.goto('/access');
    await expect(grantee.getByRole('heading', { name: 'Not found' })).toBeVisible();
  });

  await test.step('revoke it: the grantee’s next page load no longer shows the data center', async () => {
    await roles.getByRole('row', { name: dc.name }).getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('dialog', { name: `Revoke DCAdmin on ${dc.name}?` })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect(roles).toContainText(`${GRANTEE.username} holds no role on any data center`);
    await expect(notices).toContainText(`DCAdmin on ${dc.name} revoked.`);
    await grantee.goto('/locations');
    await expect(grantee.getByTestId('signed-in-user')).toHaveText(GRANTEE.username);
    await expect(grantee.getByRole('link', { name: dc.name })).toHaveCount(0);
    await grantee.goto('/audit');
    await expect(grantee.getByRole('heading', { name: 'Not found' })).toBeVisible();
  });

  await test.step('reset the password: the open session ends; the new password signs in', async () => {
    const newPassword = 'grantee e2e second passphrase';
    await page.getByRole('button', { name: 'Reset password' }).click();
    const dialog = page.getByRole('dialog', { name: `Reset the password of ${GRANTEE.username}?` });
    await dialog.getByLabel('New password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await expect(notices).toContainText(
      `The password of ${GRANTEE.username} was reset, and their open sessions were ended.`,
    );
    await grantee.goto('/locations');
    await expect(grantee).toHaveURL(/\/login/);
    await logIn(grantee, { ...GRANTEE, password: newPassword });
  });

  await test.step('disable the user: their open session ends on the next request', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page
      .getByRole('dialog', { name: `Disable ${GRANTEE.username}?` })
      .getByRole('button', { name: 'Disable' })
      .click();
    await expect(page.getByRole('button', { name: 'Enable' })).toBeVisible();
    await expect(notices).toContainText(`${GRANTEE.username} disabled.`);
    await grantee.goto('/locations');
    await expect(grantee).toHaveURL(/\/login/);
    await expect(grantee.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
  await granteeContext.close();
});
