import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { makeQcow2, type FixtureImage } from '../scripts/lib/fixture-image';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * An upload that fails leaves an image without a file. Its page says why and offers the two ways
 * forward: upload again (after a broken-off upload, the same file then goes through) or delete it
 * (after a checksum mismatch, the image was created with the wrong sum).
 */
let workDir: string;
let qcow2: FixtureImage;

test.beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-e2e-failed-upload-'));
  qcow2 = makeQcow2(path.join(workDir, 'retried.qcow2'), 16, 2);
});
test.afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const uploadImage = (name: string, sha256: string) => ({
  name,
  version: '1',
  osType: 'linux',
  category: 'Linux',
  diskFormat: 'qcow2',
  containerFormat: 'bare',
  source: 'upload',
  sha256,
});

/** Sends half the file and hangs up, as a closed tab does. */
async function breakOffUpload(baseURL: string, token: string, imageId: string, file: string) {
  const url = new URL(`/api/v1/images/${imageId}/file`, baseURL);
  const size = fs.statSync(file).size;
  await new Promise<void>((resolve) => {
    const request = http.request(url, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
        'Content-Length': size,
      },
    });
    request.on('error', () => resolve());
    request.on('close', () => resolve());
    request.write(fs.readFileSync(file).subarray(0, size / 2), () => setTimeout(() => request.destroy(), 200));
  });
}

test('an upload broken off halfway can be uploaded again', async ({ page, api, adminToken, baseURL }) => {
  const name = `broken-off-${Date.now()}`;
  const { id } = await api.post('/images', uploadImage(name, qcow2.sha256));
  await breakOffUpload(baseURL!, adminToken, id, qcow2.file);

  await logIn(page);
  await page.goto(`/images/${id}`);
  const failed = page.getByRole('region', { name: 'The upload failed' });
  await expect(failed).toContainText('failed: The upload was cancelled before it finished; nothing was stored.');
  await failed.getByLabel('Image file').setInputFiles(qcow2.file);
  await failed.getByRole('button', { name: 'Upload again' }).click();
  const header = page.locator('header', { has: page.getByRole('heading', { level: 1 }) });
  await expect(header.getByText('ok', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(qcow2.sha256, { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'The upload failed' })).toHaveCount(0);
});

test('an upload refused for its checksum offers Delete, which removes the image', async ({ page, api }) => {
  const name = `wrong-sum-${Date.now()}`;
  const { id } = await api.post('/images', uploadImage(name, 'f'.repeat(64)));

  await logIn(page);
  await page.goto(`/images/${id}`);
  const waiting = page.getByRole('region', { name: 'Waiting for the upload' });
  await waiting.getByLabel('Image file').setInputFiles(qcow2.file);
  await waiting.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.getByTestId('upload-progress').getByRole('alert')).toContainText(/SHA-256/);

  await page.reload();
  const failed = page.getByRole('region', { name: 'The upload failed' });
  await expect(failed).toContainText(/failed: .*SHA-256/);
  await expect(failed.getByRole('button', { name: 'Upload again' })).toBeVisible();
  await failed.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name} permanently?` });
  await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await dialog.getByLabel(`Type ${name} to confirm`).fill(name);
  await dialog.getByRole('button', { name: 'Delete permanently' }).click();
  await expect(page).toHaveURL(/\/images(\?|$)/);
  expect((await api.fetch('GET', `/images/${id}`)).status()).toBe(404);
});
