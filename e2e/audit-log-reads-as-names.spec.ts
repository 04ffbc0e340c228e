import fs from 'node:fs';
import { E2E_ADMIN } from './support/fixture';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * The audit log reads as a record of people and things, not ids: one line per event with names
 * that link to their pages, the rest one "Details" away, and the filtered view as a CSV file.
 */
test('a SuperAdmin reads the audit log by name, expands an event, follows its target and downloads the CSV', async ({
  page,
  world,
}) => {
  const dc = await world.dataCenter('Audit');
  const image = await world.image('audit-e2e', { dcBoundId: dc.id });
  await logIn(page);
  await page.goto(`/audit?targetId=${image.id}`);
  const table = page.getByRole('table', { name: 'Audit events' });
  const line = table.getByTestId('audit-event').filter({ hasText: 'image.create' });

  await test.step('one compact line: when, who, what, which target by name, how it ended', async () => {
    await expect(line).toHaveCount(1);
    const cells = line.getByRole('cell');
    await expect(cells.nth(0)).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await expect(cells.nth(1)).toHaveText(E2E_ADMIN.username);
    await expect(cells.nth(2)).toHaveText('image.create');
    await expect(cells.nth(3)).toHaveText(`image ${image.name}`);
    await expect(cells.nth(4)).toHaveText('ok');
    await expect(line).not.toContainText(image.id);
    // One line: nothing in it wraps, and a name too long for its cell is cut, whole in its title.
    const heights = await cells.evaluateAll((tds) => tds.map((td) => getComputedStyle(td).whiteSpace));
    expect(new Set(heights)).toEqual(new Set(['nowrap']));
    await expect(line.getByRole('link', { name: image.name })).toHaveAttribute('title', image.name);
  });

  await test.step('the details open from the keyboard, with the data center and what was recorded', async () => {
    const details = page.getByTestId('audit-event-details').filter({ hasText: image.id });
    await expect(details).toBeHidden();
    const toggle = line.getByRole('button', { name: /^Details of image\.create on / });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(details).toBeVisible();
    const group = details.getByRole('group', { name: /^Details of image\.create/ });
    await expect(group).toContainText('data center');
    await expect(group.getByRole('link', { name: dc.name })).toHaveAttribute('href', `/locations/${dc.id}`);
    await expect(group).toContainText(/source\s*url/);
    await page.keyboard.press('Enter');
    await expect(details).toBeHidden();
  });

  await test.step('the CSV download is the filtered view, names and all', async () => {
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: /^Download CSV/ }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Time (UTC),User,Action,Target type,Target,Target id,Data center,Outcome,Details');
    // Only this image's events: the filter of the page went along.
    expect(lines.slice(1).every((l) => l.includes(image.id))).toBe(true);
    expect(lines.some((l) => l.includes(`,image.create,image,${image.name},${image.id},${dc.name},ok,`))).toBe(true);
  });

  await test.step('the target’s name leads to its page', async () => {
    await line.getByRole('link', { name: image.name }).click();
    await expect(page).toHaveURL(`/images/${image.id}`);
    await expect(page.getByRole('heading', { level: 1, name: image.name })).toBeVisible();
  });
});
