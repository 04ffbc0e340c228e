import { expectAccessible } from './support/axe';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * The Jobs page's Image filter is a search as you type (there may be thousands of images with
 * jobs): a SuperAdmin finds an image by name with the keyboard, filters by it, still sees it named
 * after a reload, and drops it again.
 */
test('SuperAdmin filters the jobs by an image found by typing', async ({ page, world, api }) => {
  const dc = await world.dataCenter('Jobs filter');
  const node = await world.node(dc);
  const wanted = await world.image('jobs-filter-wanted', {}, { attachTo: [dc] });
  const other = await world.image('jobs-filter-other', {}, { attachTo: [dc] });
  // Installs of images whose URL answers nothing: they fail, and a job of each is all this needs.
  for (const image of [wanted, other]) await api.post(`/images/${image.id}/installs`, { nodeId: node.id });
  await logIn(page);
  await page.goto('/jobs');
  const form = page.getByRole('search', { name: 'Filter jobs' });
  const picker = form.getByRole('combobox', { name: 'Image' });
  const jobs = page.getByRole('table', { name: /^Jobs/ });

  await test.step('find the image by typing, and choose it with the keyboard', async () => {
    await expect(picker).toHaveAttribute('placeholder', 'Any image');
    await picker.fill(wanted.name);
    await expect(picker).toHaveAttribute('aria-expanded', 'true');
    const matches = form.getByRole('listbox', { name: 'Image' }).getByRole('option');
    const option = matches.filter({ hasText: `${wanted.name} (1)` });
    await expect(option).toBeVisible();
    await expect(matches).toHaveCount(1);
    await picker.press('ArrowDown');
    await expect(option).toHaveAttribute('aria-selected', 'true');
    await picker.press('Enter');
    await expect(picker).toHaveValue(`${wanted.name} (1)`);
    await expect(picker).toHaveAttribute('aria-expanded', 'false');
  });

  await test.step('filter: only that image’s jobs, the image in the URL', async () => {
    // Enter again, with the list closed, submits the form as in any other field.
    await picker.press('Enter');
    await expect(page).toHaveURL(new RegExp(`[?&]imageId=${wanted.id}(&|$)`));
    await expect(jobs).toContainText(wanted.name);
    await expect(jobs).not.toContainText(other.name);
  });

  await test.step('after a reload the field still names the image, and passes axe', async () => {
    await page.reload();
    await expect(picker).toHaveValue('');
    await expect(picker).toHaveAttribute('placeholder', `${wanted.name} (1)`);
    await expect(picker).toHaveAccessibleDescription(`Now ${wanted.name} (1); type to choose another.`);
    await expect(jobs).not.toContainText(other.name);
    await expectAccessible(page, 'the Jobs page filtered by an image');
  });

  await test.step('“Any image” drops the image from the filters', async () => {
    await form.getByRole('button', { name: 'Any image' }).click();
    await expect(picker).toBeFocused();
    await expect(picker).toHaveAttribute('placeholder', 'Any image');
    await form.getByRole('button', { name: 'Filter' }).click();
    await expect(page).not.toHaveURL(new RegExp(`imageId=${wanted.id}`));
    await expect(picker).toHaveAttribute('placeholder', 'Any image');
  });
});
