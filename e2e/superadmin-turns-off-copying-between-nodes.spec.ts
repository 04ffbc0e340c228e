import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A data center copies an install between its nodes by default; a SuperAdmin whose nodes may not
 * reach each other turns that off on Location Details, and it stays off.
 */
test('SuperAdmin turns copying between nodes off for a data center, and it stays off', async ({ page, api, world }) => {
  const dc = await world.dataCenter('Lisbon');
  await logIn(page);
  await page.goto(`/locations/${dc.id}`);

  const form = page.getByRole('form', { name: 'Copying between nodes' });
  const copying = form.getByRole('checkbox', { name: 'Copy images between nodes' });
  await expect(copying).toBeChecked();
  await copying.uncheck();
  await form.getByRole('button', { name: 'Save' }).click();

  await expect.poll(async () => (await api.get(`/data-centers/${dc.id}`)).dataCenter.relayInstalls).toBe(false);
  await page.reload();
  await expect(page.getByRole('form', { name: 'Copying between nodes' }).getByRole('checkbox')).not.toBeChecked();
});
