import { logIn } from './support/login';
import { expect, test, type Page } from './support/test';

const MACHINE = 'loc-vm-e2e';

/**
 * A SuperAdmin attaches an image on Location Details; a machine on one of the data center's nodes
 * then keeps it from being detached, with the machine named; once the machine is removed, detach works.
 */
test('SuperAdmin attaches an image on Location Details, and detaches it once no machine there uses it', async ({
  page,
  world,
}) => {
  const dc = await world.dataCenter('Rotterdam');
  const nodes = [await world.node(dc, 'node-a'), await world.node(dc, 'node-b')];
  const node = nodes[1]!.name;
  const IMAGE = world.unique('location-attach-e2e');
  await logIn(page);
  await createUrlImage(page, IMAGE);

  await page.goto('/locations');
  await page.getByRole('link', { name: dc.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: dc.name })).toBeVisible();
  const images = page.getByTestId('location-images');
  const row = images.getByTestId(`attached-image-${IMAGE}`);
  const detach = async () => {
    await row.getByRole('button', { name: 'Detach' }).click();
    await page
      .getByRole('dialog', { name: `Detach ${IMAGE} from ${dc.name}?` })
      .getByRole('button', { name: 'Detach' })
      .click();
  };

  await test.step('attach the image, found by typing part of its name: it is listed, installed on no node yet', async () => {
    const picker = images.getByRole('combobox', { name: 'Attach image' });
    await picker.fill(IMAGE.slice(0, -2));
    await expect(images.getByRole('option', { name: `${IMAGE} (1)` })).toBeVisible();
    // Escape closes the list and keeps the text; a second Escape clears it.
    await picker.press('Escape');
    await expect(picker).toHaveAttribute('aria-expanded', 'false');
    await expect(picker).toHaveValue(IMAGE.slice(0, -2));
    await picker.press('Escape');
    await expect(picker).toHaveValue('');
    await picker.fill(IMAGE);
    await images.getByRole('option', { name: `${IMAGE} (1)` }).click();
    await images.getByRole('button', { name: 'Attach', exact: true }).click();
    await expect(images.getByRole('status')).toHaveText(`Attached ${IMAGE} to ${dc.name}.`);
    // Attached, it is no longer offered.
    await expect(picker).toHaveValue('');
    await picker.fill(IMAGE);
    await expect(images.getByRole('option')).toHaveCount(0);
    // Said to screen readers too, in the search's live region.
    await expect(images.locator('[aria-live="polite"]').filter({ hasText: `Nothing matches “${IMAGE}”.` })).toHaveCount(
      1,
    );
    await expect(row).toContainText(`0 of ${nodes.length} nodes`);
    await expect(row.getByRole('link', { name: IMAGE })).toHaveAttribute('href', /^\/images\//);
  });

  await test.step('record a machine using it on a node of this data center; Machines lists it', async () => {
    await page
      .getByRole('table', { name: 'Nodes', exact: true })
      .getByRole('link', { name: node, exact: true })
      .click();
    const form = page.getByRole('form', { name: 'Record a machine' });
    await form.getByLabel('Machine name').fill(MACHINE);
    await form.getByRole('combobox', { name: 'Image' }).fill(IMAGE);
    await form.getByRole('option', { name: `${IMAGE} (1)` }).click();
    await form.getByRole('button', { name: 'Record machine' }).click();
    await expect(page.getByTestId(`machine-${MACHINE}`)).toBeVisible();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: dc.name }).click();
    const machine = page.getByRole('table', { name: `Machines in ${dc.name}` }).getByTestId(`machine-${MACHINE}`);
    await expect(machine).toContainText(node);
    await expect(machine.getByRole('link', { name: IMAGE })).toBeVisible();
  });

  await test.step('detach is refused while the machine uses it, naming the machine', async () => {
    await detach();
    await expect(images.getByRole('alert')).toHaveText(
      `${IMAGE} stays attached to ${dc.name}: ${MACHINE} on ${node} uses it.`,
    );
    await expect(row).toBeVisible();
  });

  await test.step('remove the machine, then detach: the image leaves the list', async () => {
    await page
      .getByRole('table', { name: `Machines in ${dc.name}` })
      .getByTestId(`machine-${MACHINE}`)
      .getByRole('link', { name: node })
      .click();
    await page.getByTestId(`machine-${MACHINE}`).getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('dialog', { name: `Remove machine ${MACHINE}?` })
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect(page.getByTestId(`machine-${MACHINE}`)).toHaveCount(0);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: dc.name }).click();
    await expect(
      page.getByRole('table', { name: `Machines in ${dc.name}` }).getByTestId(`machine-${MACHINE}`),
    ).toHaveCount(0);
    await detach();
    await expect(images.getByRole('status')).toHaveText(`Detached ${IMAGE} from ${dc.name}.`);
    await expect(row).toHaveCount(0);
    await expect(images.getByRole('alert')).toHaveCount(0);
  });
});

/** A global image by URL (nothing downloads it here), made through the browser as an operator would. */
async function createUrlImage(page: Page, name: string) {
  await page.goto('/images/new');
  const form = page.getByRole('form', { name: 'Create image' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Version').fill('1');
  await form.getByLabel('Source URL').fill(`http://127.0.0.1:9/${name}.qcow2`);
  await form.getByLabel('SHA-256').fill('f'.repeat(64));
  await form.getByRole('button', { name: 'Create image' }).click();
  // Nothing answers on that URL, so the portal saves it only when told to.
  await form.getByLabel('Save without checking the URL').check();
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}
