import { expectAccessible } from './support/axe';
import { logIn } from './support/login';
import { expect, test, type Page } from './support/test';

/**
 * axe-core on every page of the portal, as a SuperAdmin sees it with data in it, and on the
 * dialogs and menus those pages open: zero violations of any impact.
 */
/** Visits each path as the signed-in SuperAdmin and runs axe on it; findings of all pages are reported together. */
async function checkPages(page: Page, paths: string[]) {
  for (const path of paths) {
    await test.step(path, async () => {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectAccessible(page, path);
    });
  }
}

test('the login page, the 404 page and the favicon pass', async ({ page }) => {
  await page.goto('/login');
  await expectAccessible(page, 'the login page');
  // The tab shows the portal's icon, served before anyone signs in.
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  const served = await page.request.get(icon!, { maxRedirects: 0 });
  expect([served.status(), served.headers()['content-type']]).toEqual([200, 'image/svg+xml']);

  await logIn(page);
  for (const missing of ['/no-such-page', '/images/00000000-0000-4000-8000-000000000000']) {
    await page.goto(missing);
    await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
    await expect(page.getByRole('main')).toHaveCount(1);
    await expectAccessible(page, `the 404 page of ${missing}`);
  }
});

test('the data center, node and job pages pass', async ({ page, world, api }) => {
  const dc = await world.dataCenter('Axe');
  const node = await world.node(dc);
  const image = await world.mirrorImage('axe-image', { attachTo: [dc] });
  const { jobId } = await api.post(`/images/${image.id}/installs`, { nodeId: node.id });
  await logIn(page);
  await checkPages(page, [
    '/',
    '/locations',
    `/locations/${dc.id}`,
    `/locations/${dc.id}/nodes/new`,
    `/nodes/${node.id}`,
    '/jobs',
    `/jobs/${jobId}`,
  ]);
});

test('the image pages pass', async ({ page, world }) => {
  const dc = await world.dataCenter('Axe images');
  await world.node(dc);
  const image = await world.image('axe-image-pages', {}, { attachTo: [dc] });
  await logIn(page);
  await checkPages(page, [
    '/images',
    '/images/new',
    `/images/${image.id}`,
    `/images/${image.id}/edit`,
    `/images/${image.id}/availability`,
  ]);
});

test('the repository, access, audit, API and profile pages pass', async ({ page, world }) => {
  const dc = await world.dataCenter('Axe access');
  const user = await world.user('axe-user', [{ role: 'DCAdmin', dataCenterId: dc.id }]);
  const repository = await world.repository('axe-repository');
  await logIn(page);
  await checkPages(page, [
    '/repositories',
    `/repositories/${repository.id}`,
    '/credentials',
    '/access',
    '/access/matrix',
    `/access/users/${user.id}`,
    '/audit',
    '/api-reference',
    '/profile',
  ]);
});

test('the cloud pages pass, with each kind of account form', async ({ page, world, api }) => {
  const { id } = await api.post('/clouds', {
    name: world.unique('axe-cloud'),
    kind: 's3',
    bucket: 'axe-bucket',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    accessKeyId: 'AKIAAXE',
    secretAccessKey: 'axe-secret',
  });
  await logIn(page);
  await checkPages(page, ['/clouds', `/clouds/${id}`]);
  const form = page.getByRole('form', { name: /^Change cloud account/ });
  for (const kind of ['openstack', 'azure-blob']) {
    await form.getByLabel('Kind').selectOption(kind);
    await expectAccessible(page, `the ${kind} account form`);
  }
});

test('open dialogs and menus pass axe-core, and confirmations focus the safe choice', async ({ page, world }) => {
  const dc = await world.dataCenter('Axe dialogs');
  const node = await world.node(dc);
  const image = await world.image('axe-dialogs', {}, { attachTo: [dc] });
  const user = await world.user('axe-dialog-user');
  await logIn(page);

  await test.step('the job indicator menu, by keyboard', async () => {
    await page.goto('/');
    const indicator = page.getByTestId('job-indicator');
    await indicator.focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('region', { name: 'Jobs in motion' })).toBeVisible();
    await expectAccessible(page, 'the open job indicator');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('region', { name: 'Jobs in motion' })).toBeHidden();
    await expect(indicator).toBeFocused();
  });

  await test.step('the Attach image search, open, moved through with the arrow keys', async () => {
    const other = await world.image('axe-attachable');
    await page.goto(`/locations/${dc.id}`);
    const picker = page.getByRole('combobox', { name: 'Attach image' });
    await picker.fill(other.name);
    const option = page.getByRole('option', { name: new RegExp(`^${other.name}`) });
    await expect(option).toBeVisible();
    await picker.press('ArrowDown');
    await expect(picker).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
    await expectAccessible(page, 'the open Attach image list');
    await picker.press('Escape');
  });

  await test.step('the permanent delete dialog', async () => {
    await page.goto(`/images/${image.id}`);
    await page.getByRole('button', { name: 'Delete permanently…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${image.name} permanently?` });
    await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
    await expectAccessible(page, 'the permanent delete dialog');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  await test.step('the detach confirmation', async () => {
    const placement = page.getByRole('region', { name: new RegExp(`^${dc.name}`) });
    await placement.getByRole('button', { name: 'Detach' }).click();
    const dialog = page.getByRole('dialog', { name: `Detach from ${dc.name}?` });
    await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
    await expectAccessible(page, 'the detach confirmation');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  await test.step('the node decommission confirmation', async () => {
    await page.goto(`/nodes/${node.id}`);
    await page.getByRole('button', { name: /^Decommission/ }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('button', { name: /Keep|Cancel|Not now/ })).toBeFocused();
    await expectAccessible(page, 'the decommission confirmation');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  await test.step('the reset password dialog', async () => {
    await page.goto(`/access/users/${user.id}`);
    await page.getByRole('button', { name: /^Reset password/ }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, 'the reset password dialog');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  });

  await test.step('a failed submit moves focus to the error summary', async () => {
    await page.goto('/images/new');
    await page.getByRole('button', { name: 'Create image' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' })).toBeFocused();
    await expectAccessible(page, 'the create image form with its errors');
  });
});
