import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../lib/format';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * The first real path: a SuperAdmin registers a real sshd node, registers an image by URL and
 * installs it; the file lands on the node, verified, and every step shows in the browser.
 */
test('SuperAdmin registers a node, creates an image and installs it on the node', async ({ page, world }) => {
  const fixture = readFixture();
  const node = await world.sshNode();
  const [dataCenter, code, nodeName, imageName] = [
    `Amsterdam ${world.suffix}`,
    `ams-${world.suffix}`,
    world.unique('compute-e2e'),
    world.unique('cirros-e2e'),
  ];
  await logIn(page);

  await test.step('create a data center', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data centers' }).click();
    const form = page.getByRole('form', { name: 'Create data center' });
    await form.getByLabel('Name').fill(dataCenter);
    await form.getByLabel('Code').fill(code);
    await form.getByRole('button', { name: 'Create data center' }).click();
    await expect(page.getByRole('heading', { level: 1, name: dataCenter })).toBeVisible();
  });

  await test.step('register the node, confirming its host key fingerprint', async () => {
    await page.getByRole('link', { name: 'Register node' }).click();
    await page.getByLabel('Node name').fill(nodeName);
    await page.getByLabel('Host').fill(node.host);
    await page.getByLabel('SSH port').fill(String(node.port));
    await page.getByLabel('SSH user').fill(node.user);
    await page.getByLabel('Image directory').fill(node.imageDir);
    await page.getByRole('textbox', { name: 'Private key' }).fill(node.privateKey);
    await page.getByRole('button', { name: 'Connect and show host key' }).click();

    await expect(page.getByTestId('host-key-fingerprint')).toHaveText(node.hostKeyFingerprint);
    await page.getByRole('button', { name: 'Confirm fingerprint and register' }).click();
    await expect(page.getByRole('heading', { level: 1, name: nodeName })).toBeVisible();
    await expect(page.getByText(node.hostKeyFingerprint)).toBeVisible();
  });

  await test.step('create the image', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Images' }).click();
    await page.getByRole('link', { name: 'New image' }).click();
    const form = page.getByRole('form', { name: 'Create image' });
    await form.getByLabel('Name').fill(imageName);
    await form.getByLabel('Version').fill('0.6.2');
    await form.getByLabel('Source URL').fill(fixture.image.url);
    // A first submit without a checksum is refused with a clear field message and keeps the input.
    await form.getByRole('button', { name: 'Create image' }).click();
    await expect(form.getByText('Give the expected SHA-256 or MD5 checksum')).toBeVisible();
    await expect(form.getByLabel('Source URL')).toHaveValue(fixture.image.url);
    await form.getByLabel('SHA-256').fill(fixture.image.sha256);
    await form.getByRole('button', { name: 'Create image' }).click();
    await expect(page.getByRole('heading', { level: 1, name: imageName })).toBeVisible();
  });

  await test.step('attach it to the data center and install it, as one confirmed step, and watch the job succeed', async () => {
    // A new global image is attached nowhere, so its nodes cannot offer it yet.
    const placement = page.getByRole('region', { name: new RegExp(`^${dataCenter}`) });
    await expect(placement.getByRole('heading')).toContainText('not attached');
    await placement.getByLabel('Node').selectOption({ label: nodeName });
    await placement.getByRole('button', { name: `Attach to ${dataCenter} and install` }).click();
    await page
      .getByRole('dialog', { name: `Attach ${imageName} to ${dataCenter}?` })
      .getByRole('button', { name: 'Attach and install' })
      .click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 60_000 });
    const bar = page.getByRole('progressbar', { name: 'Transfer progress' });
    await expect(bar).toHaveAttribute('aria-valuenow', String(fixture.image.sizeBytes));
    await expect(bar).toHaveAttribute('aria-valuemax', String(fixture.image.sizeBytes));
    // The text under the bar is the bar's own fraction, in the same words for the ear.
    const words = `${formatBytes(fixture.image.sizeBytes)} of ${formatBytes(fixture.image.sizeBytes)} (100%)`;
    await expect(page.getByRole('main').getByTestId('progress-text')).toHaveText(words);
    await expect(bar).toHaveAttribute('aria-valuetext', words);
    await expect(bar).toHaveAttribute('data-percent', '100');
    await expect(bar.locator('div')).toHaveAttribute('style', /width: 100%/);
    await expect(page.getByTestId('job-log')).toContainText('Checksum verified');
  });

  await test.step('Image Details shows the node as installed', async () => {
    await page.getByRole('link', { name: imageName }).first().click();
    const row = page.getByTestId(`node-image-${nodeName}`);
    await expect(row).toContainText('installed');
    await expect(row).toContainText(fixture.image.sha256);
  });

  // And the file really is on the node, byte for byte, named by the image's id (the page's URL has it).
  const imageId = new URL(page.url()).pathname.split('/')[2]!;
  const file = path.join(node.imageDir, `${imageId}.qcow2`);
  expect(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(fixture.image.sha256);
});
