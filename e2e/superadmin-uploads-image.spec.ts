import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatBytes } from '../lib/format';
import { makeQcow2, type FixtureImage } from '../scripts/lib/fixture-image';
import { logIn } from './support/login';
import { expect, test, type Page } from './support/test';

/**
 * Push mode from the browser: a SuperAdmin creates an image with the upload source, watches the
 * upload's progress bar, and lands on the image, stored and verified, with the file's own SHA-256.
 */
let workDir: string;
let qcow2: FixtureImage;

test.beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-e2e-upload-'));
  qcow2 = makeQcow2(path.join(workDir, 'uploaded-e2e.qcow2'), 64, 24);
});

test.afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('SuperAdmin uploads an image file into the portal store and sees it verified', async ({ page, world }) => {
  const IMAGE = world.unique('uploaded-e2e');
  await logIn(page);

  // Loopback is too fast to see a bar move; Chromium's throttling slows the upload to a few seconds.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 8 * 1024 * 1024,
  });

  await test.step('create the image with the upload source', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Images' }).click();
    await page.getByRole('link', { name: 'New image' }).click();
    const form = page.getByRole('form', { name: 'Create image' });
    await form.getByLabel('Name').fill(IMAGE);
    await form.getByLabel('Version').fill('1.0');
    await form.getByRole('radio', { name: /Upload a file/ }).check();
    await expect(form.getByLabel('Source URL')).toHaveCount(0);
    // Submitting without a file is refused in the browser, before anything is created.
    await form.getByRole('button', { name: 'Create image' }).click();
    await expect(form.getByText('Choose the image file to upload.')).toBeVisible();
    await form.getByLabel('Image file').setInputFiles(qcow2.file);
    await recordUploadProgress(page);
    await form.getByRole('button', { name: 'Create image' }).click();
  });

  await test.step('watch the upload progress to completion', async () => {
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    await expect(bar).toBeVisible();
    await expect(page.getByRole('status')).toContainText(`of ${formatBytes(qcow2.sizeBytes)}`);
    await expect(page).toHaveURL(/\/images\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    // The client-side navigation keeps the window, so what the bar showed on the way is still known.
    const samples = await page.evaluate(() => (window as unknown as { uploadProgress: Sample[] }).uploadProgress);
    const seen = samples.map((s) => s.percent);
    expect(seen.at(-1)).toBe(100);
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // At every moment the text said the fraction the bar drew: the same number, rounded the same way.
    const worded = samples.filter((s) => s.text !== null);
    expect(worded.some((s) => s.percent > 0 && s.percent < 100)).toBe(true);
    for (const sample of worded)
      expect(sample, 'text and bar agree').toMatchObject({ text: sample.percent, width: `${sample.percent}%` });
  });

  await test.step('the image page shows the stored, verified file', async () => {
    await expect(page.getByRole('heading', { level: 1, name: IMAGE })).toBeVisible();
    const header = page.locator('header', { has: page.getByRole('heading', { level: 1 }) });
    await expect(header.getByText('ok', { exact: true })).toBeVisible();
    await expect(page.getByTestId('image-source')).toHaveText(
      `Portal image store (uploaded, ${formatBytes(qcow2.sizeBytes)})`,
    );
    // Exact: the audit history below repeats the checksums inside longer text.
    await expect(page.getByText(qcow2.sha256, { exact: true })).toBeVisible();
    await expect(page.getByText(qcow2.md5, { exact: true })).toBeVisible();
  });
});

/** What the upload showed at one moment: the bar's percent and width, and the percent its text said. */
type Sample = { percent: number; width: string; text: number | null };

/** Records every state the upload's progress bar and its text take, however briefly they are on screen. */
async function recordUploadProgress(page: Page) {
  await page.evaluate(() => {
    const samples: Sample[] = [];
    (window as unknown as { uploadProgress: Sample[] }).uploadProgress = samples;
    const record = () => {
      const bar = document.querySelector<HTMLElement>('[role="progressbar"][aria-label="Upload progress"]');
      if (!bar?.dataset.percent) return;
      const words = document.querySelector('[data-testid="upload-progress"] [role="status"]')?.textContent ?? '';
      const said = /\((\d+)%\)/.exec(words)?.[1];
      const sample = {
        percent: Number(bar.dataset.percent),
        width: (bar.firstElementChild as HTMLElement).style.width,
        text: said === undefined ? null : Number(said),
      };
      const last = samples.at(-1);
      if (!last || JSON.stringify(last) !== JSON.stringify(sample)) samples.push(sample);
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-percent', 'style'],
    });
  });
}
