import fs from 'node:fs';
import path from 'node:path';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test, type Page } from './support/test';

/**
 * A SuperAdmin watches Location Details' gauges follow an install, then deletes the image file on
 * the node by hand and has Sync Available Images find it missing.
 */
test('SuperAdmin sees Location Details gauges follow an install, and Sync Available Images marks a hand-deleted file missing', async ({
  page,
  world,
}) => {
  const dc = await world.dataCenter('Rotterdam');
  const [nodeA, nodeB] = [await world.node(dc, 'node-a'), await world.node(dc, 'node-b')];
  const IMAGE = world.unique('sync-e2e');
  await logIn(page);
  const imageId = await createUrlImage(page, { ...readFixture().image, name: IMAGE });
  const openLocation = async () => {
    await page.goto('/locations');
    await page.getByRole('link', { name: dc.name }).click();
    await expect(page.getByRole('heading', { level: 1, name: dc.name })).toBeVisible();
  };
  const gauge = (key: string) => page.getByTestId(`gauge-${key}`);

  await openLocation();
  await expect(gauge('images-attached')).toHaveText('0');
  await expect(gauge('images-available')).toHaveText('0');

  await test.step('the node and machine gauges agree with the tables below them', async () => {
    const nodeRows = page.getByRole('table', { name: 'Nodes', exact: true }).locator('tbody tr');
    const enabled = await nodeRows.filter({ hasText: 'enabled' }).count();
    await expect(gauge('nodes')).toHaveText(`${enabled} of ${await nodeRows.count()}`);
    const machineRows = await page
      .getByRole('table', { name: `Machines in ${dc.name}` })
      .locator('tbody tr[data-testid^="machine-"]')
      .count();
    await expect(gauge('machines')).toHaveText(String(machineRows));
    await expect(gauge('free-disk')).toHaveText(/^\d+(\.\d+)? (MiB|GiB|TiB)$/);
  });

  await test.step('attach the image and install it on one node: attached and available each go up by one', async () => {
    const images = page.getByTestId('location-images');
    await images.getByRole('combobox', { name: 'Attach image' }).fill(IMAGE);
    await images.getByRole('option', { name: `${IMAGE} (1)` }).click();
    await images.getByRole('button', { name: 'Attach', exact: true }).click();
    await expect(images.getByRole('status')).toHaveText(`Attached ${IMAGE} to ${dc.name}.`);
    await expect(gauge('images-attached')).toHaveText('1');
    await expect(gauge('images-available')).toHaveText('0');

    await page.goto(`/images/${imageId}/availability`);
    await page.getByRole('checkbox', { name: `Available on ${nodeA.name}` }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId(`availability-${nodeA.name}`).getByTestId('node-image-state')).toHaveText(
      'installed',
      { timeout: 60_000 },
    );

    await openLocation();
    await expect(gauge('images-available')).toHaveText('1');
    await expect(page.getByRole('table', { name: `Recent jobs in ${dc.name}` })).toContainText(IMAGE);
  });

  await test.step('delete the file on the node by hand, then Sync Available Images reports it missing', async () => {
    const file = path.join(nodeA.imageDir, `${imageId}.qcow2`);
    expect(fs.existsSync(file)).toBe(true);
    fs.rmSync(file);

    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Sync Available Images…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sync Available Images' });
    await dialog.getByRole('button', { name: 'Start sync' }).click();
    await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 60_000 });
    const report = page.getByTestId(`sync-node-${nodeA.name}`);
    await expect(report.getByTestId(`sync-missing-${IMAGE}`)).toContainText(`missing ${IMAGE} · ${file} is gone`);
    await expect(page.getByTestId(`sync-node-${nodeB.name}`)).not.toContainText(IMAGE);
  });

  await test.step('Image Availability shows it missing, and the location no longer counts it available', async () => {
    await page.goto(`/images/${imageId}/availability`);
    await expect(page.getByTestId(`availability-${nodeA.name}`).getByTestId('node-image-state')).toHaveText('missing');
    await openLocation();
    await expect(gauge('images-available')).toHaveText('0');
  });
});

/** A global image nodes download from the e2e mirror, made through the browser; returns its id. */
async function createUrlImage(page: Page, image: { name: string; url: string; sha256: string }): Promise<string> {
  await page.goto('/images/new');
  const form = page.getByRole('form', { name: 'Create image' });
  await form.getByLabel('Name').fill(image.name);
  await form.getByLabel('Version').fill('1');
  await form.getByLabel('Source URL').fill(image.url);
  await form.getByLabel('SHA-256').fill(image.sha256);
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(page.getByRole('heading', { level: 1, name: image.name })).toBeVisible();
  return new URL(page.url()).pathname.split('/')[2]!;
}

/**
 * The size side of Location Details: add two VM sizes, sync sizes on a data center with a node and
 * see which fits and why the other does not, then delete both; and Rename, on another data center.
 */
test('SuperAdmin adds VM sizes, syncs where they fit, deletes them, and renames a data center', async ({
  page,
  world,
}) => {
  const dc = await world.dataCenter('Rotterdam');
  await world.node(dc);
  const [small, impossible] = [world.unique('e2e-small'), world.unique('e2e-impossible')];
  const [renamed, code] = [`Sizes ${world.suffix}`, `sizes-${world.suffix}`];
  await logIn(page);
  await page.goto('/locations');
  await page.getByRole('link', { name: dc.name }).click();
  const actions = async (item: string) => {
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: item }).click();
  };

  await test.step('add a small and an impossible size', async () => {
    for (const [name, vcpus, diskGb] of [
      [small, '1', '1'],
      [impossible, '1024', '1, 2'],
    ] as const) {
      await actions('Add VM size…');
      const form = page.getByRole('dialog', { name: 'Add VM size' }).getByRole('form', { name: 'Add VM size' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('vCPUs').fill(vcpus);
      await form.getByLabel('Memory (MB)').fill('256');
      await form.getByLabel('Disk sizes (GB)').fill(diskGb);
      await form.getByRole('button', { name: 'Add size' }).click();
      await expect(page.getByRole('status').filter({ hasText: `Added VM size ${name}.` })).toBeVisible();
      await expect(page.getByTestId(`size-${name}`)).toContainText('not checked yet');
    }
    await expect(page.getByTestId(`size-${impossible}`)).toContainText('1 GB + 2 GB');
  });

  await test.step('Sync Available Sizes: the small one fits, the other says why not', async () => {
    await actions('Sync Available Sizes…');
    await page
      .getByRole('dialog', { name: 'Sync Available Sizes' })
      .getByRole('button', { name: 'Start sync' })
      .click();
    await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 60_000 });
    const sizes = page.getByRole('table', { name: 'Where each VM size fits' });
    await expect(sizes.getByRole('row', { name: small })).toContainText('fits');
    await expect(sizes.getByRole('row', { name: impossible })).toContainText(
      /does not fit.*no enabled node has 1024 CPUs; the largest has \d+/,
    );
    await page.goto('/locations');
    await page.getByRole('link', { name: dc.name }).click();
    await expect(page.getByTestId(`size-${small}`)).toContainText('fits');
    await expect(page.getByTestId(`size-${impossible}`)).toContainText('does not fit no enabled node has 1024 CPUs');
  });

  await test.step('Delete unused VM sizes: choose both, and they are gone', async () => {
    await actions('Delete unused VM sizes…');
    const dialog = page.getByRole('dialog', { name: 'Delete unused VM sizes' });
    await expect(dialog).toContainText('cannot tell whether a size is in use');
    await dialog.getByRole('checkbox', { name: small }).check();
    await dialog.getByRole('checkbox', { name: impossible }).check();
    await dialog.getByRole('button', { name: 'Delete chosen sizes' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: `Deleted VM sizes ${impossible}, ${small}.` }),
    ).toBeVisible();
    await expect(page.getByTestId(`size-${small}`)).toHaveCount(0);
  });

  await test.step('rename a data center; its code stays', async () => {
    await page.goto('/locations');
    const form = page.getByRole('form', { name: 'Create data center' });
    await form.getByLabel('Name').fill(renamed);
    await form.getByLabel('Code').fill(code);
    await form.getByRole('button', { name: 'Create data center' }).click();
    await expect(page.getByRole('heading', { level: 1, name: renamed, exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: `Rename ${renamed}` });
    await rename.getByLabel('New name').fill(`${renamed} renamed`);
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `${renamed} renamed` })).toBeVisible();
    await expect(page.getByText(code, { exact: true })).toBeVisible();
  });
});
