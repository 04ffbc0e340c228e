import { expect, test } from '@playwright/test';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';

/**
 * A SuperAdmin puts rtm-node-b in maintenance with a reason: Node Details shows it, Image
 * Availability greys the node out and says why, and Enable puts it back (as the other specs need it).
 */
test('SuperAdmin puts a node in maintenance with a reason, installs to it are refused, then enables it', async ({
  page,
}) => {
  const { availability } = readFixture();
  const nodeB = availability.nodes[1]!;
  const reason = 'Replacing a disk (e2e ticket 42)';
  await logIn(page);
  const availabilityPage = `/images/${availability.imageId}/availability`;
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
    await expect(page.getByRole('checkbox', { name: `Available on ${availability.nodes[0]!.name}` })).toBeEnabled();
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
