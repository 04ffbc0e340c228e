import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test, type Page } from './support/test';

const SHA = (c: string) => c.repeat(64);

/**
 * Fills the Create image form. The source is the mirror's file, which answers the portal's check;
 * nobody downloads it in this spec, so the checksum need not be its own.
 */
async function createImage(
  page: Page,
  fields: {
    name: string;
    alias?: string;
    version: string;
    diskFormat?: string;
    containerFormat?: string;
    kernel?: string;
    ramdisk?: string;
    tags?: string;
  },
) {
  await page.goto('/images/new');
  const form = page.getByRole('form', { name: 'Create image' });
  await form.getByLabel('Name').fill(fields.name);
  if (fields.alias) await form.getByLabel('Alias').fill(fields.alias);
  await form.getByLabel('Version').fill(fields.version);
  if (fields.diskFormat) await form.getByLabel('Disk format').selectOption(fields.diskFormat);
  if (fields.containerFormat) await form.getByLabel('Container format').selectOption(fields.containerFormat);
  if (fields.kernel) await form.getByLabel('Kernel image').selectOption({ label: fields.kernel });
  if (fields.ramdisk) await form.getByLabel('Ramdisk image').selectOption({ label: fields.ramdisk });
  if (fields.tags) await form.getByLabel('Tags').fill(fields.tags);
  await form.getByLabel('Source URL').fill(readFixture().image.url);
  await form.getByLabel('SHA-256').fill(SHA('c'));
  await form.getByRole('button', { name: 'Create image' }).click();
  return form;
}

/**
 * A SuperAdmin builds a small catalogue: a kernel and a ramdisk, a partition image that boots with
 * them, a second version of its alias; edits one; and deletes one permanently, which is refused
 * while a machine uses it and goes through once the machine is gone.
 */
test('SuperAdmin creates versions and a partition image, edits, and deletes permanently', async ({ page, world }) => {
  const dc = await world.dataCenter('Rotterdam');
  const { name: node } = await world.node(dc);
  const [kernel, ramdisk, alias, os1, os2, os2b] = [
    'cat-vmlinuz',
    'cat-initrd',
    'cat-os',
    'cat-os-1',
    'cat-os-2',
    'cat-os-2b',
  ].map(world.unique) as [string, string, string, string, string, string];
  await logIn(page);

  await test.step('a kernel, a ramdisk, and a partition image that boots with them', async () => {
    await createImage(page, { name: kernel, version: '6.1', diskFormat: 'aki', containerFormat: 'aki' });
    await expect(page.getByRole('heading', { level: 1, name: kernel })).toBeVisible();
    await createImage(page, { name: ramdisk, version: '6.1', diskFormat: 'ari', containerFormat: 'ari' });
    await expect(page.getByRole('heading', { level: 1, name: ramdisk })).toBeVisible();

    const form = await createImage(page, {
      name: os1,
      alias,
      version: '1.0',
      diskFormat: 'raw',
      kernel: `${kernel} (6.1)`,
    });
    await expect(
      form.getByText('A partition image needs both a kernel (aki) and a ramdisk (ari) image; choose its ramdisk.'),
    ).toBeVisible();
    await form.getByLabel('Ramdisk image').selectOption({ label: `${ramdisk} (6.1)` });
    await form.getByRole('button', { name: 'Create image' }).click();
    await expect(page.getByRole('heading', { level: 1, name: os1 })).toBeVisible();
    await expect(page.getByText('Partition image')).toBeVisible();
    await expect(page.getByRole('link', { name: kernel })).toBeVisible();
  });

  await test.step('a second version of the alias; the same version twice is refused', async () => {
    await createImage(page, { name: os2, alias, version: '2.0', tags: 'lts cloud-init' });
    await expect(page.getByRole('heading', { level: 1, name: os2 })).toBeVisible();
    const form = await createImage(page, { name: os2b, alias, version: '2.0' });
    await expect(form.getByText(`Version 2.0 of alias "${alias}" already exists (image "${os2}").`)).toBeVisible();

    // The listing finds both by their alias and groups them.
    await page.goto('/images');
    const filters = page.getByRole('search', { name: 'Filter images' });
    await filters.getByLabel('Name or alias').fill(alias);
    await filters.getByLabel('Group versions by alias').check();
    await filters.getByRole('button', { name: 'Filter' }).click();
    await expect(
      page
        .getByRole('rowheader', { name: `${alias} · 2 versions` })
        .or(page.getByRole('columnheader', { name: `${alias} · 2 versions` })),
    ).toBeVisible();
    await expect(page.getByRole('link', { name: new RegExp(`^(${os1}|${os2})$`) })).toHaveCount(2);
  });

  await test.step('edit: attributes change; the checksum is still editable while no file exists', async () => {
    await page.goto(`/images?q=${os2}`);
    await page.getByRole('link', { name: os2, exact: true }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit image' });
    await expect(form.getByLabel('Tags')).toHaveValue('lts, cloud-init');
    await form.getByLabel('Description').fill('Second release of the catalogue spec image');
    await form.getByLabel('Minimum RAM (MB)').fill('1024');
    await form.getByLabel('SHA-256').fill(SHA('d'));
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('heading', { level: 1, name: os2 })).toBeVisible();
    await expect(page.getByText('Second release of the catalogue spec image')).toBeVisible();
    await expect(page.getByText('1024 MB')).toBeVisible();
    await expect(page.getByText(SHA('d'), { exact: true })).toBeVisible();
    await expect(page.getByTestId('audit-image.update')).toContainText('changed: description, minRamMb, sha256');
  });

  await test.step('delete permanently: refused while a machine uses it, done once it is gone', async () => {
    const imageUrl = page.url();
    await page.goto('/locations');
    await page.getByRole('link', { name: dc.name }).click();
    await page.getByRole('link', { name: node }).first().click();
    const record = page.getByRole('form', { name: 'Record a machine' });
    await record.getByLabel('Machine name').fill('vm-catalogue');
    await record.getByRole('combobox', { name: 'Image' }).fill(os2);
    await record.getByRole('option', { name: `${os2} (2.0)` }).click();
    await record.getByRole('button', { name: 'Record machine' }).click();
    await expect(page.getByTestId('machine-vm-catalogue')).toBeVisible();

    await page.goto(imageUrl);
    await page.getByRole('button', { name: 'Delete permanently…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${os2} permanently?` });
    await expect(dialog.getByRole('button', { name: 'Delete permanently' })).toBeDisabled();
    await dialog.getByLabel(`Type ${os2} to confirm`).fill(os2);
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(
      `${os2} cannot be deleted permanently while machines use it: vm-catalogue (on ${node}).`,
    );
    await dialog.getByRole('button', { name: 'Keep it' }).click();

    await page.goto('/locations');
    await page.getByRole('link', { name: dc.name }).click();
    await page.getByRole('link', { name: node }).first().click();
    await page.getByTestId('machine-vm-catalogue').getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('dialog', { name: 'Remove machine vm-catalogue?' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect(page.getByTestId('machine-vm-catalogue')).toHaveCount(0);

    await page.goto(imageUrl);
    await page.getByRole('button', { name: 'Delete permanently…' }).click();
    await dialog.getByLabel(`Type ${os2} to confirm`).fill(os2);
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    // It was on no node, so it is gone at once, and the listing no longer has it, deleted or not.
    await expect(page).toHaveURL(/\/images$/);
    await page.goto(`/images?access=all&q=${os2}`);
    await expect(page.getByRole('link', { name: os2, exact: true })).toHaveCount(0);
    await page.goto(imageUrl);
    await expect(page.getByRole('heading', { name: /not found/i })).toBeVisible();
  });
});
