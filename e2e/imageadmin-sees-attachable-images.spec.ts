import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * An ImageAdmin's Images page also lists, read-only and marked, the public global images they may
 * attach; an empty result says whether there are no images or only none that match.
 */
test('an ImageAdmin sees the public global images they may attach, read-only, and empty results say why', async ({
  page,
  world,
}) => {
  const dc = await world.dataCenter('Attachable');
  const own = await world.image('own-e2e', { dcBoundId: dc.id });
  const global = await world.image('global-e2e');
  const imageAdmin = await world.user('attach-imageadmin', [{ role: 'ImageAdmin', dataCenterId: dc.id }]);
  await logIn(page, imageAdmin);
  await page.goto(`/images?q=${world.suffix}`);
  const table = page.getByRole('table', { name: 'Images' });

  await test.step('their own image as usual; the global one marked, with no way to act on it', async () => {
    await expect(table.getByTestId(`image-row-${own.name}`).getByRole('link', { name: own.name })).toBeVisible();
    const row = table.getByTestId(`image-row-${global.name}`);
    await expect(row).toContainText('Global, attachable');
    await expect(row.getByRole('link')).toHaveCount(0);
    await expect(row.getByRole('button')).toHaveCount(0);
    await expect(page.getByTestId('attachable-note')).toContainText('listed here read-only');
    await expect(page.getByRole('link', { name: 'New image' })).toBeVisible(); // they may create bound ones
  });

  await test.step('filters that match nothing say so and offer to clear them', async () => {
    await page.goto(`/images?q=${world.unique('nothing-like-this')}`);
    await expect(table).toContainText('No images match these filters.');
    await expect(table).not.toContainText('No images yet');
    await table.getByRole('link', { name: 'Clear filters' }).click();
    await expect(page).toHaveURL('/images');
    await expect(table.getByTestId(`image-row-${global.name}`)).toContainText('Global, attachable');
  });
});
