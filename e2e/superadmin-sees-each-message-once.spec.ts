import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A refused form says "Please correct the highlighted fields." above, and each field's message once,
 * under that field, tied to it for screen readers; a success is a toast over the page.
 */
test('a refused form shows each field’s message once, under the field; a success is a toast', async ({
  page,
  world,
}) => {
  await logIn(page);
  await page.goto('/credentials');
  const form = page.getByRole('form', { name: 'Import a private key' });
  const message = /^This is not a private key the portal can use/;

  await form.getByLabel('Name').fill(world.unique('not-a-key'));
  await form.getByLabel('Private key').fill('this is not a key at all');
  await form.getByRole('button', { name: 'Import key' }).click();
  await expect(form.getByRole('alert')).toHaveText('Please correct the highlighted fields.');
  await expect(page.getByText(message)).toHaveCount(1);
  const field = form.getByLabel('Private key');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  // The hint, then the message: the field's own description says what is wrong with it.
  await expect(field).toHaveAccessibleDescription(/never shown again\. This is not a private key the portal can use/);

  const name = world.unique('generated-e2e');
  const generate = page.getByRole('form', { name: 'Generate an SSH key' });
  await generate.getByLabel('Name').fill(name);
  await generate.getByRole('button', { name: 'Generate ed25519 key' }).click();
  await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText(`Key ${name} generated.`);
  await expect(page.getByTestId('generated-public-key')).toContainText('ssh-ed25519 ');
  // Tidy up: the key is this test's own.
  await page
    .getByRole('row', { name: new RegExp(name) })
    .getByRole('button', { name: 'Delete' })
    .click();
  await page
    .getByRole('dialog', { name: `Delete the key "${name}"?` })
    .getByRole('button', { name: 'Delete key' })
    .click();
  await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText(`Key ${name} deleted.`);
});
