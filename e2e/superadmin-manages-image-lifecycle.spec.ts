import { expect, test } from '@playwright/test';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';

/**
 * A SuperAdmin attaches an image to a data center and detaches it, disables it (it can no longer
 * be installed), protects it (delete is then refused), deletes it (it leaves the listing) and
 * restores it.
 */
test('SuperAdmin attaches, detaches, disables, protects, deletes and restores an image', async ({ page }) => {
  const { availability } = readFixture();
  await logIn(page);
  await page.goto('/images/new');
  const form = page.getByRole('form', { name: 'Create image' });
  await form.getByLabel('Name').fill('lifecycle-e2e');
  await form.getByLabel('Version').fill('1');
  await form.getByLabel('Source URL').fill('http://127.0.0.1:9/lifecycle-e2e.qcow2');
  await form.getByLabel('SHA-256').fill('b'.repeat(64));
  await form.getByRole('button', { name: 'Create image' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'lifecycle-e2e' })).toBeVisible();
  const actions = page.getByTestId('image-actions');

  await test.step('attach to Rotterdam 1, then detach after confirming', async () => {
    const attachments = page.getByTestId('image-attachments');
    await expect(attachments).toContainText('Attached to no data center yet');
    await attachments.getByLabel('Attach to').selectOption({ label: 'Rotterdam 1' });
    await attachments.getByRole('button', { name: 'Attach' }).click();
    await expect(attachments.getByRole('status')).toHaveText('Attached to Rotterdam 1.');
    await expect(attachments.getByRole('listitem')).toContainText('Rotterdam 1');
    await attachments.getByRole('button', { name: 'Detach' }).click();
    await page
      .getByRole('dialog', { name: 'Detach from Rotterdam 1?' })
      .getByRole('button', { name: 'Detach' })
      .click();
    await expect(attachments.getByRole('status')).toHaveText('Detached from Rotterdam 1.');
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
    const node = availability.nodes[0]!.name;
    await expect(page.getByRole('checkbox', { name: `Available on ${node}` })).toBeDisabled();
    await expect(page.getByTestId(`availability-${node}`)).toContainText(
      'Image lifecycle-e2e is disabled and cannot be installed.',
    );
    await page.goBack();
  });

  await test.step('protect: delete is refused with the reason', async () => {
    await actions.getByRole('button', { name: 'Protect' }).click();
    await expect(actions.getByRole('button', { name: 'Unprotect' })).toBeVisible();
    await actions.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete lifecycle-e2e?' }).getByRole('button', { name: 'Delete' }).click();
    await expect(actions.getByRole('alert')).toHaveText(
      'lifecycle-e2e is protected: clear the protected flag before you delete it.',
    );
  });

  await test.step('unprotect and delete: it leaves the listing, and comes back restored', async () => {
    await actions.getByRole('button', { name: 'Unprotect' }).click();
    await expect(actions.getByRole('button', { name: 'Protect' })).toBeVisible();
    await actions.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete lifecycle-e2e?' }).getByRole('button', { name: 'Delete' }).click();
    await expect(actions.getByRole('button', { name: 'Restore' })).toBeVisible();

    await page.goto('/images');
    await expect(page.getByRole('link', { name: 'lifecycle-e2e' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Show deleted images too' }).click();
    await page.getByRole('link', { name: 'lifecycle-e2e' }).click();
    await page.getByTestId('image-actions').getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByTestId('image-actions').getByRole('button', { name: 'Make public' })).toBeVisible();
    await page.goto('/images');
    await expect(page.getByRole('link', { name: 'lifecycle-e2e' })).toBeVisible();
  });
});
