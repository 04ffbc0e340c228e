import { logIn } from './support/login';
import { expect, test, type Page } from './support/test';

/** The buttons a read-only page may still have: filtering what it lists. */
const READ_ONLY_BUTTONS = new Set(['Filter']);

/** The page shows what it lists (its heading is `title`), and nothing in it changes anything. */
async function expectNoMutatingControls(page: Page, path: string, title: string | RegExp) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  // The header's Sign out and job list are the same on every page; the page's own controls are in main.
  const buttons = (await page.getByRole('main').getByRole('button').allInnerTexts()).map((t) => t.trim());
  expect(
    buttons.filter((name) => !READ_ONLY_BUTTONS.has(name)),
    `buttons on ${path}`,
  ).toEqual([]);
  for (const link of ['Edit', 'New image', 'Register node'])
    await expect(page.getByRole('link', { name: link, exact: true }), `${link} on ${path}`).toHaveCount(0);
}

async function expectNotFound(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1, name: /not found/i }), path).toBeVisible();
}

test('a DCAdmin sees their data center read-only and nothing of another; a forged server action is refused', async ({
  page,
  browser,
  api,
  world,
}) => {
  const rotterdam = await world.dataCenter('Rotterdam');
  const node = await world.node(rotterdam);
  const amsterdam = await world.dataCenter('Amsterdam Scope');
  const hidden = await world.image('scope-ams-only', { dcBoundId: amsterdam.id });
  const shown = await world.image('scope-shown', {}, { attachTo: [rotterdam] });
  const viewer = await world.user('scope-dcadmin', [{ role: 'DCAdmin', dataCenterId: rotterdam.id }]);

  await logIn(page, viewer);
  await test.step('listings of their data center, with no control that changes anything', async () => {
    for (const [path, title] of [
      ['/locations', 'Data centers'],
      [`/locations/${rotterdam.id}`, rotterdam.name],
      [`/nodes/${node.id}`, node.name],
      ['/images', 'Images'],
      [`/images/${shown.id}`, shown.name],
      [`/images/${shown.id}/availability`, new RegExp(shown.name)],
      ['/jobs', 'Jobs'],
    ] as const) {
      await expectNoMutatingControls(page, path, title);
    }
    await page.goto('/locations');
    await expect(page.getByRole('link', { name: rotterdam.name })).toBeVisible();
    await expect(page.getByRole('link', { name: amsterdam.name })).toHaveCount(0);
  });

  await test.step('another data center and its image are not found; SuperAdmin pages neither', async () => {
    for (const path of [`/locations/${amsterdam.id}`, `/images/${hidden.id}`, '/credentials', '/access'])
      await expectNotFound(page, path);
  });

  await test.step('a Disable captured from a SuperAdmin and replayed with the DCAdmin’s session is refused', async () => {
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await logIn(adminPage);
    await adminPage.goto(`/images/${shown.id}`);
    let captured: { headers: Record<string, string>; body: string } | undefined;
    await adminPage.route(`**/images/${shown.id}`, async (route) => {
      const sent = route.request();
      if (sent.method() !== 'POST' || !sent.headers()['next-action']) return route.continue();
      captured = { headers: sent.headers(), body: sent.postData() ?? '' };
      await route.abort(); // the SuperAdmin's own click must not change anything
    });
    await adminPage.getByTestId('image-actions').getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => captured).toBeDefined();

    const forged = await page.request.post(`/images/${shown.id}`, {
      headers: {
        'next-action': captured!.headers['next-action']!,
        'content-type': captured!.headers['content-type']!,
        accept: 'text/x-component',
      },
      data: captured!.body,
    });
    expect(await forged.text()).toContain('forbidden');
    expect((await api.get(`/images/${shown.id}`)).image.status).toBe('unverified'); // unchanged
    await adminPage.goto(`/images/${shown.id}`);
    await expect(adminPage.getByTestId('audit-image.lifecycle').filter({ hasText: viewer.username })).toContainText(
      'denied',
    );
    await adminContext.close();
  });
});

test('an ImageAdmin attaches and detaches a public image on their data center, and cannot see another', async ({
  page,
  api,
  world,
}) => {
  const rotterdam = await world.dataCenter('Rotterdam');
  const other = await world.dataCenter('Amsterdam ImageAdmin');
  const publicImage = await world.image('scope-public');
  const imageAdmin = await world.user('scope-imageadmin', [{ role: 'ImageAdmin', dataCenterId: rotterdam.id }]);

  await logIn(page, imageAdmin);
  await page.goto('/locations');
  await expect(page.getByRole('link', { name: other.name })).toHaveCount(0);
  await expectNotFound(page, `/locations/${other.id}`);

  await page.goto('/locations');
  await page.getByRole('link', { name: rotterdam.name }).click();
  const section = page.getByTestId('location-images');
  await section.getByRole('combobox', { name: 'Attach image' }).fill(publicImage.name);
  await section.getByRole('option', { name: `${publicImage.name} (1)` }).click();
  await section.getByRole('button', { name: 'Attach' }).click();
  const row = page.getByTestId(`attached-image-${publicImage.name}`);
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Detach' }).click();
  await page
    .getByRole('dialog', { name: `Detach ${publicImage.name} from ${rotterdam.name}?` })
    .getByRole('button', { name: 'Detach' })
    .click();
  await expect(row).toHaveCount(0);
  expect((await api.get(`/images/${publicImage.id}`)).attachedDataCenterIds).toEqual([]);
});
