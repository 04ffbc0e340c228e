import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin drives installs from Image Availability: checks two nodes, applies, and watches both
 * reach installed without reloading; then unchecks one and the file is gone from that node.
 */
test('SuperAdmin makes an image available on two nodes, then removes it from one', async ({ page, world }) => {
  const { image } = readFixture();
  const dc = await world.dataCenter('Rotterdam');
  const [nodeA, nodeB] = [await world.node(dc, 'node-a'), await world.node(dc, 'node-b')];
  // Slow enough (8 MiB/s) that the page shows the installs under way.
  const availability = await world.mirrorImage('availability-e2e', { bytesPerSecond: 8 * 1024 * 1024, attachTo: [dc] });
  const fileOn = (node: { imageDir: string }) => path.join(node.imageDir, `${availability.id}.qcow2`);
  await logIn(page);

  await page.goto(`/images/${availability.id}`);
  await page.getByRole('link', { name: 'Image availability' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Availability of ${availability.name}` })).toBeVisible();
  const rowOf = (node: { name: string }) => page.getByTestId(`availability-${node.name}`);

  await test.step('check both nodes of the data center and apply', async () => {
    await expect(rowOf(nodeA).getByTestId('node-image-state')).toHaveText('not installed');
    await page.getByRole('button', { name: `Select all in ${dc.name}` }).click();
    await expect(page.getByRole('checkbox', { name: `Available on ${nodeA.name}` })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: `Available on ${nodeB.name}` })).toBeChecked();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('availability-message')).toHaveText(
      `${nodeA.name}: install queued; ${nodeB.name}: install queued.`,
    );
  });

  await test.step('both reach installed on the same page, with progress on the way', async () => {
    await expect(page.getByRole('progressbar', { name: `Install on ${nodeA.name}` })).toBeVisible();
    for (const node of [nodeA, nodeB]) {
      await expect(rowOf(node).getByTestId('node-image-state')).toHaveText('installed', { timeout: 60_000 });
      await expect(rowOf(node)).toContainText('succeeded');
    }
    for (const node of [nodeA, nodeB]) {
      expect(
        crypto
          .createHash('sha256')
          .update(fs.readFileSync(fileOn(node)))
          .digest('hex'),
      ).toBe(image.sha256);
    }
  });

  await test.step('the image crossed from the portal once: one node copied it from the other', async () => {
    // Whichever install ran first is the seed; the other node copied from it over the data center's network.
    await page.reload();
    const copied = page.getByTestId('copied-from');
    await expect(copied).toHaveCount(1);
    await expect(copied).toHaveText(new RegExp(`^copied from (${nodeA.name}|${nodeB.name})$`));

    // Node Details says the same of its own copy.
    const availabilityPage = page.url();
    const copiedOnNodePage: number[] = [];
    for (const node of [nodeA, nodeB]) {
      await page.goto(`/nodes/${node.id}`);
      await expect(page.getByRole('table', { name: 'Images on this node' })).toContainText(availability.name);
      copiedOnNodePage.push(await page.getByTestId('copied-from').count());
    }
    expect(copiedOnNodePage.sort()).toEqual([0, 1]);
    await page.goto(availabilityPage);
  });

  await test.step('uncheck one node, confirm, and the file is removed from it', async () => {
    await page.getByRole('checkbox', { name: `Available on ${nodeB.name}` }).uncheck();
    await page.getByRole('button', { name: 'Apply' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the image from nodes?' });
    await expect(dialog).toContainText(nodeB.name);
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('availability-message')).toHaveText(`${nodeB.name}: removal queued.`);
    await expect(rowOf(nodeB).getByTestId('node-image-state')).toHaveText('not installed', { timeout: 30_000 });
    await expect(rowOf(nodeA).getByTestId('node-image-state')).toHaveText('installed');
    expect(fs.existsSync(fileOn(nodeB))).toBe(false);
    expect(fs.existsSync(`${fileOn(nodeB)}.manifest.json`)).toBe(false);
    expect(fs.existsSync(fileOn(nodeA))).toBe(true);
  });
});
