import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { makeQcow2, type FixtureImage } from '../scripts/lib/fixture-image';
import { startGlance, type GlanceService } from '../scripts/lib/services/glance';
import { E2E_LANE } from './support/lane';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A SuperAdmin adds an OpenStack account for a real Glance (Debian's glance-api, without Keystone),
 * tests it, publishes a stored image from Image Details, follows the job, and finds the image in
 * Glance with our checksums.
 */
let glance: GlanceService;
let workDir: string;
let qcow2: FixtureImage;

test.beforeAll(async () => {
  glance = await startGlance({ host: E2E_LANE.cloudHost });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-e2e-publish-'));
  qcow2 = makeQcow2(path.join(workDir, 'publish-e2e.qcow2'), 64, 16);
});

test.afterAll(async () => {
  await glance?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** PUTs the file as a script would, so the spec's subject is publishing, not uploading. */
function uploadFile(baseURL: string, token: string, imageId: string, file: string) {
  return new Promise<number>((resolve, reject) => {
    const request = http.request(new URL(`/api/v1/images/${imageId}/file`, baseURL), {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
        'Content-Length': fs.statSync(file).size,
      },
    });
    request.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    request.on('error', reject);
    fs.createReadStream(file).pipe(request);
  });
}

async function glanceImages(): Promise<
  { id: string; name: string; status: string; checksum: string; disk_format: string }[]
> {
  const response = await fetch(`${glance.url}/v2/images`);
  return (await response.json()).images;
}

test('SuperAdmin publishes an image to OpenStack and finds it in Glance', async ({
  page,
  api,
  world,
  adminToken,
  baseURL,
}) => {
  const ACCOUNT = world.unique('glance');
  const IMAGE = world.unique('published');
  const { id: imageId } = await api.post('/images', {
    name: IMAGE,
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    source: 'upload',
    access: 'public',
  });
  expect(await uploadFile(baseURL!, adminToken, imageId, qcow2.file)).toBe(200);
  await logIn(page);

  await test.step('add the OpenStack account and test it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clouds' }).click();
    const form = page.getByRole('form', { name: 'Add a cloud account' });
    await form.getByLabel('Name', { exact: true }).fill(ACCOUNT);
    await form.getByLabel('Kind').selectOption('openstack');
    await form.getByLabel('Authentication').selectOption('none');
    await expect(form.getByLabel('Keystone URL')).toHaveCount(0);
    // Refused without the endpoint, with the reason under the field.
    await form.getByRole('button', { name: 'Add cloud account' }).click();
    await expect(form.getByText('Without Keystone, enter the Image service URL.')).toBeVisible();
    await form.getByLabel('Image service URL', { exact: true }).fill(glance.url);
    await form.getByRole('button', { name: 'Add cloud account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: ACCOUNT })).toBeVisible();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText(`${ACCOUNT}: connected.`);
    await expect(page.getByText('connected', { exact: true })).toBeVisible();
  });

  await test.step('publish from Image Details and follow the job', async () => {
    await page.goto(`/images/${imageId}`);
    const publish = page.getByRole('form', { name: `Publish ${IMAGE}` });
    await publish.getByLabel('Cloud account').selectOption({ label: ACCOUNT });
    await publish.getByRole('button', { name: 'Publish' }).click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    await expect(page.getByText('succeeded', { exact: true }).first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText(/Phase verify/)).toBeVisible();
    await expect(page.getByRole('progressbar', { name: 'Transfer progress' })).toHaveAttribute(
      'aria-valuenow',
      String(qcow2.sizeBytes),
    );
  });

  await test.step('Image Details lists the copy, and Glance holds it with our checksum', async () => {
    await page.goto(`/images/${imageId}`);
    const table = page.getByRole('table', { name: `Clouds ${IMAGE} is published to` });
    const row = table.getByRole('row', { name: new RegExp(ACCOUNT) });
    await expect(row).toContainText('published');
    await expect(row).toContainText(glance.url);
    const inGlance = (await glanceImages()).find((i) => i.name === IMAGE);
    expect(inGlance).toMatchObject({ status: 'active', checksum: qcow2.md5, disk_format: 'qcow2' });
    await expect(row).toContainText(inGlance!.id);
  });
});
