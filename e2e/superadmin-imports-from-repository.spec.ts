import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { request } from '@playwright/test';
import { formatBytes } from '../lib/format';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * Imports from the browser: a SuperAdmin points the portal at another portal's IMGAPI, refreshes
 * and browses it, imports an image into a data center, and installs the imported image on a node
 * there; the file on the node is the other portal's, byte for byte.
 */
test('SuperAdmin imports an image from another portal and installs it on a node', async ({ page, world }) => {
  const fixture = readFixture();
  const { name } = fixture.repository;
  const dc = await world.dataCenter('Rotterdam');
  const node = await world.node(dc);
  const repository = world.unique('portal-a');
  await logIn(page);

  const repositoryRow = page.getByRole('row', { name: repository });
  await test.step('add the repository', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories' }).click();
    // The e2e portal is started with PORTAL_IMGAPI_SERVE=true; the page says so, and where.
    await expect(page.getByTestId('own-imgapi')).toContainText(
      `This portal serves its public images anonymously over IMGAPI at ${new URL(page.url()).origin}/imgapi`,
    );
    const form = page.getByRole('form', { name: 'Add a repository' });
    await form.getByLabel('URL').fill('ftp://example.com/images');
    await form.getByLabel('Name').fill(repository);
    await form.getByRole('button', { name: 'Add repository' }).click();
    await expect(form.getByText('Enter the http or https URL of an IMGAPI repository.')).toBeVisible();
    await form.getByLabel('URL').fill(fixture.repository.url);
    await form.getByRole('button', { name: 'Add repository' }).click();
    // Said in a toast, over the page: nothing moves the form's button.
    await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText(
      `Repository ${repository} added. Refresh it to read its images.`,
    );
    await expect(repositoryRow).toContainText('never');
  });

  await test.step('refresh it', async () => {
    await repositoryRow.getByRole('button', { name: `Refresh ${repository}` }).click();
    await expect(repositoryRow.getByRole('cell').nth(2)).toHaveText('1');
    await expect(repositoryRow).not.toContainText('never');
  });

  const imageRow = page.getByRole('row', { name: new RegExp(name) });
  await test.step('browse its images', async () => {
    await repositoryRow.getByRole('link', { name: repository }).click();
    await expect(page.getByRole('heading', { level: 1, name: repository })).toBeVisible();
    for (const text of ['2.0', 'linux', 'zvol', formatBytes(fixture.image.sizeBytes), 'Not imported'])
      await expect(imageRow).toContainText(text);
  });

  await test.step('import it into the data center and watch the job', async () => {
    await imageRow.getByText(`Import ${name}…`).click();
    const form = page.getByRole('form', { name: `Import ${name} 2.0` });
    await form.getByLabel('Bind to data center').selectOption({ label: dc.name });
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('link', { name: 'Follow the job' }).click();
    await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 60_000 });
    await expect(page.getByRole('progressbar', { name: 'Transfer progress' })).toHaveAttribute(
      'aria-valuenow',
      String(fixture.image.sizeBytes),
    );
    await expect(page.getByTestId('job-log')).toContainText('SHA-1 and size match the manifest');
  });

  await test.step('the repository shows it imported, and the catalogue has it', async () => {
    await page.goBack();
    await page.reload();
    await imageRow.getByRole('link', { name: `Imported as ${name}` }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByText(fixture.image.sha256).first()).toBeVisible();
  });

  await test.step('install the imported image on a node of the data center', async () => {
    await page
      .getByRole('form', { name: 'Install on a node' })
      .getByLabel('Node')
      .selectOption({ label: `${node.name} (${dc.name})` });
    await page.getByRole('button', { name: 'Install' }).click();
    await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 60_000 });
    // An imported image keeps the remote uuid, and files on nodes are named by the image's id.
    const file = path.join(node.imageDir, `${fixture.repository.imageId}.qcow2`);
    expect(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(fixture.image.sha256);
  });

  await test.step('this portal serves the imported image over IMGAPI in turn, to anyone, with its length and MD5', async () => {
    const anonymous = await request.newContext({ baseURL: test.info().project.use.baseURL });
    const uuid = fixture.repository.imageId;
    const manifest = await (await anonymous.get(`/imgapi/images/${uuid}`)).json();
    expect(manifest).toMatchObject({
      v: 2,
      uuid,
      name,
      version: '2.0',
      type: 'zvol',
      os: 'linux',
      files: [{ size: fixture.image.sizeBytes, compression: 'none' }],
    });
    const file = await anonymous.get(`/imgapi/images/${uuid}/file`);
    expect(file.status()).toBe(200);
    const body = await file.body();
    expect(file.headers()['content-length']).toBe(String(fixture.image.sizeBytes));
    expect(file.headers()['content-md5']).toBe(crypto.createHash('md5').update(body).digest('base64'));
    expect(crypto.createHash('sha1').update(body).digest('hex')).toBe(manifest.files[0].sha1);
    const part = await anonymous.get(`/imgapi/images/${uuid}/file`, { headers: { range: 'bytes=0-1023' } });
    expect(part.status()).toBe(206);
    expect(part.headers()['content-length']).toBe('1024');
    await anonymous.dispose();
  });
});
