import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin puts one of two nodes in maintenance with a reason: Node Details shows it, Image
 * Availability greys the node out and says why, and Enable puts it back in service.
 */
test('SuperAdmin puts a node in maintenance with a reason, installs to it are refused, then enables it', async ({
  page,
  world,
}) => {
  const dc = await world.dataCenter('Rotterdam');
  const nodeA = await world.node(dc, 'node-a');
  const nodeB = await world.node(dc, 'node-b');
  const image = await world.image('maintenance-e2e', {}, { attachTo: [dc] });
  const reason = 'Replacing a disk (e2e ticket 42)';
  await logIn(page);
  const availabilityPage = `/images/${image.id}/availability`;
  const rowOfB = page.getByTestId(`availability-${nodeB.name}`);

  await page.goto(availabilityPage);
  await rowOfB.getByRole('link', { name: nodeB.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: nodeB.name })).toBeVisible();
  const nodeDetails = page.url();

  await test.step('maintenance needs a reason, which Node Details then shows', async () => {
    await page.getByRole('button', { name: 'Put in maintenance' }).click();
    const dialog = page.getByRole('dialog', { name: `Put ${nodeB.name} in maintenance` });
    await expect(dialog.getByLabel('Reason')).toBeFocused();
    await dialog.getByRole('button', { name: 'Put in maintenance' }).click();
    await expect(dialog.getByText('Say why the node goes into maintenance.')).toBeVisible();
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Put in maintenance' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('node-status-reason')).toHaveText(reason);
    await expect(page.getByTestId('node-status')).toContainText('maintenance');
  });

  await test.step('Image Availability greys the node out and says why; the other node stays open', async () => {
    await page.goto(availabilityPage);
    await expect(page.getByRole('checkbox', { name: `Available on ${nodeB.name}` })).toBeDisabled();
    await expect(rowOfB).toContainText(
      `Node ${nodeB.name} is in maintenance (${reason}); only enabled nodes accept new installs.`,
    );
    await expect(page.getByRole('checkbox', { name: `Available on ${nodeA.name}` })).toBeEnabled();
  });

  await test.step('Enable puts it back in service', async () => {
    await page.goto(nodeDetails);
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await expect(page.getByTestId('node-status')).toHaveText('enabled');
    await expect(page.getByRole('button', { name: 'Enable', exact: true })).toBeHidden();
    await page.goto(availabilityPage);
    await expect(page.getByRole('checkbox', { name: `Available on ${nodeB.name}` })).toBeEnabled();
  });
});
