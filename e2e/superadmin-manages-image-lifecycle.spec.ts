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
  await expect(page.getByRole('heading', { level: 1, name: IMAGE })).toBeVisible();
  const actions = page.getByTestId('image-actions');

  await test.step('attach to a data center, then detach after confirming', async () => {
    const attachments = page.getByTestId('image-attachments');
    await expect(attachments).toContainText('Attached to no data center yet');
    await attachments.getByLabel('Attach to').selectOption({ label: dc.name });
    await attachments.getByRole('button', { name: 'Attach' }).click();
    await expect(attachments.getByRole('status')).toHaveText(`Attached to ${dc.name}.`);
    await expect(attachments.getByRole('listitem')).toContainText(dc.name);
    await attachments.getByRole('button', { name: 'Detach' }).click();
    await page
      .getByRole('dialog', { name: `Detach from ${dc.name}?` })
      .getByRole('button', { name: 'Detach' })
      .click();
    await expect(attachments.getByRole('status')).toHaveText(`Detached from ${dc.name}.`);
    await expect(attachments).toContainText('Attached to no data center yet');
  });

  await test.step('disable: no install is offered, and Apply on availability is refused', async () => {
    await expect(page.getByRole('form', { name: 'Install on a node' })).toBeVisible();
    await actions.getByRole('button', { name: 'Disable' }).click();
    await expect(actions.getByRole('button', { name: 'Enable' })).toBeVisible();
    await expect(page.getByRole('form', { name: 'Install on a node' })).toBeHidden();
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
