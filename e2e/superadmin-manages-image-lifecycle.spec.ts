import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin attaches an image to a data center and detaches it, disables it (it can no longer
 * be installed), protects it (delete is then refused), deletes it (it leaves the listing) and
 * restores it.
 */
test('SuperAdmin attaches, detaches, disables, protects, deletes and restores an image', async ({ page, world }) => {
  const dc = await world.dataCenter('Rotterdam');
  const { name: node } = await world.node(dc);
  const IMAGE = world.unique('lifecycle-e2e');
  await logIn(page);
  await page.goto('/images/new');
  const form = page.getByRole('form', { name: 'Create image' });
  await form.getByLabel('Name').fill(IMAGE);
  await form.getByLabel('Version').fill('1');
  await form.getByLabel('Source URL').fill(`http://127.0.0.1:9/${IMAGE}.qcow2`);
  await form.getByLabel('SHA-256').fill('b'.repeat(64));
  await form.getByRole('button', { name: 'Create image' }).click();
  // Nothing answers on that URL: the portal says so, and saves it only when told to.
  await expect(form.getByText(/^The portal could not check http:\/\/127\.0\.0\.1:9\//)).toBeVisible();
  await form.getByLabel('Save without checking the URL').check();
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(page.getByRole('heading', { level: 1, name: IMAGE })).toBeVisible();
  // New images are private until someone shares them, and unverified until a node hashed the file.
  const header = page.locator('header', { has: page.getByRole('heading', { level: 1 }) });
  await expect(header.getByText('private', { exact: true })).toBeVisible();
  await expect(header.getByText('unverified', { exact: true })).toBeVisible();
  const actions = page.getByTestId('image-actions');

  // The data center's part of the Placement section, named by its heading.
  const placement = page.getByRole('region', { name: new RegExp(`^${dc.name}`) });

  await test.step('attach to a data center in Placement, then detach after confirming', async () => {
    await expect(placement.getByRole('heading')).toContainText('not attached');
    await placement.getByRole('button', { name: `Attach to ${dc.name}`, exact: true }).click();
    await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText(`Attached to ${dc.name}.`);
    await expect(placement.getByRole('heading')).not.toContainText('not attached');
    await expect(placement.getByRole('form', { name: 'Install on a node' })).toBeVisible();
    await placement.getByRole('button', { name: 'Detach' }).click();
    await page
      .getByRole('dialog', { name: `Detach from ${dc.name}?` })
      .getByRole('button', { name: 'Detach' })
      .click();
    await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText(`Detached from ${dc.name}.`);
    await expect(placement.getByRole('heading')).toContainText('not attached');
  });

  await test.step('disable: no install is offered, and Apply on availability is refused', async () => {
    const attachAndInstall = placement.getByRole('button', { name: `Attach to ${dc.name} and install` });
    await expect(attachAndInstall).toBeVisible();
    await actions.getByRole('button', { name: 'Disable' }).click();
    await expect(actions.getByRole('button', { name: 'Enable' })).toBeVisible();
    await expect(attachAndInstall).toBeHidden();
    await expect(page.getByTestId('install-blocked')).toHaveText(
      'A disabled image cannot be installed; enable it first.',
    );
    await page.getByRole('link', { name: 'Image availability' }).click();
    await expect(page.getByRole('checkbox', { name: `Available on ${node}` })).toBeDisabled();
    await expect(page.getByTestId(`availability-${node}`)).toContainText(
      `Image ${IMAGE} is disabled and cannot be installed.`,
    );
    await page.goBack();
  });

  await test.step('protect: delete is refused with the reason', async () => {
    await actions.getByRole('button', { name: 'Protect' }).click();
    await expect(actions.getByRole('button', { name: 'Unprotect' })).toBeVisible();
    await actions.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: `Delete ${IMAGE}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(actions.getByRole('alert')).toHaveText(
      `${IMAGE} is protected: clear the protected flag before you delete it.`,
    );
  });

  await test.step('unprotect and delete: it leaves the listing, and comes back restored', async () => {
    await actions.getByRole('button', { name: 'Unprotect' }).click();
    await expect(actions.getByRole('button', { name: 'Protect' })).toBeVisible();
    await actions.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: `Delete ${IMAGE}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(actions.getByRole('button', { name: 'Restore' })).toBeVisible();

    await page.goto(`/images?q=${IMAGE}`);
    await expect(page.getByRole('link', { name: IMAGE })).toHaveCount(0);
    await page.getByRole('link', { name: 'Show deleted images too' }).click();
    await page.getByRole('link', { name: IMAGE }).click();
    await page.getByTestId('image-actions').getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByTestId('image-actions').getByRole('button', { name: 'Make public' })).toBeVisible();
    await page.goto(`/images?q=${IMAGE}`);
    await expect(page.getByRole('link', { name: IMAGE })).toBeVisible();
  });
});
