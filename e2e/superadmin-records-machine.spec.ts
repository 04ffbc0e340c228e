import { logIn } from './support/login';
import { expect, test } from './support/test';

/** A SuperAdmin records a machine on a node; Image Details lists it; removing it forgets it. */
test('SuperAdmin records a machine on a node and removes it', async ({ page, world }) => {
  const dc = await world.dataCenter('Rotterdam');
  const { name: node } = await world.node(dc);
  const image = await world.image('machine-e2e');
  await logIn(page);
  await page.goto(`/images/${image.id}`);
  await page.getByRole('link', { name: 'Image availability' }).click();
  await page.getByRole('link', { name: node }).click();
  await expect(page.getByRole('heading', { level: 1, name: node })).toBeVisible();

  const form = page.getByRole('form', { name: 'Record a machine' });
  await form.getByLabel('Machine name').fill('bad name');

  await test.step('find the image by typing, and choose it with the keyboard', async () => {
    const picker = form.getByRole('combobox', { name: 'Image' });
    await picker.fill(image.name);
    await expect(picker).toHaveAttribute('aria-expanded', 'true');
    await expect(form.getByRole('option', { name: `${image.name} (1)` })).toBeVisible();
    await picker.press('ArrowDown');
    await expect(form.getByRole('option', { name: `${image.name} (1)` })).toHaveAttribute('aria-selected', 'true');
    await picker.press('Enter');
    await expect(picker).toHaveValue(`${image.name} (1)`);
    await expect(picker).toHaveAttribute('aria-expanded', 'false');
  });

  // A refusal keeps the chosen image: only the name needs correcting.
  await form.getByRole('button', { name: 'Record machine' }).click();
  await expect(form.getByText('Letters, digits, dot, dash or underscore')).toBeVisible();
  await expect(form.getByRole('combobox', { name: 'Image' })).toHaveValue(`${image.name} (1)`);
  await form.getByLabel('Machine name').fill('web-e2e');
  await form.getByRole('button', { name: 'Record machine' }).click();
  await expect(page.getByTestId('machine-web-e2e')).toContainText(image.name);

  await page.getByTestId('machine-web-e2e').getByRole('link', { name: image.name }).click();
  await expect(page.getByTestId('machine-web-e2e')).toContainText(node);

  await page.goBack();
  await page.getByTestId('machine-web-e2e').getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('dialog', { name: 'Remove machine web-e2e?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('machine-web-e2e')).toHaveCount(0);
  await expect(page.getByText('No machine is recorded on this node.')).toBeVisible();
});
