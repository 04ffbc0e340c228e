// A small cap, so that an oversized listing is cheap to make.
process.env.PORTAL_IMGAPI_LIST_MAX_MB = '1';

import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { imageRepositories } from '@/lib/db/tables';
import { importImage } from '@/lib/repositories/import/operation';
import { getJobRunner } from '@/lib/jobs/runner';
import { browseRepository } from '@/lib/repositories/browse';
import { createRepository, deleteRepository, refreshRepository, updateRepository } from '@/lib/repositories/operations';
import { importTargets } from '@/lib/repositories/queries';
import { MAX_REPOSITORIES } from '@/lib/repositories/schemas';
import { call, session } from '../support/api-client';
import { startCraftedImgapi, type CraftedImage } from '../support/crafted-imgapi';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  run,
} from '../support/portal';

const rowOf = async (id: string) =>
  await firstRow(getDb().select().from(imageRepositories).where(eq(imageRepositories.id, id)));

function manifests(count: number, extra: Record<string, unknown> = {}): CraftedImage[] {
  return Array.from({ length: count }, (_, i) => ({
    manifest: {
      v: 2,
      uuid: crypto.randomUUID(),
      name: `image-${i}`,
      version: '1',
      type: 'zvol',
      os: 'linux',
      files: [{ sha1: 'a'.repeat(40), size: 1, compression: 'none' }],
      ...extra,
    },
    file: Buffer.from('x'),
  }));
}

describe('image repositories', () => {
  let admin: UserContext;
  const servers: Awaited<ReturnType<typeof startCraftedImgapi>>[] = [];
  beforeAll(async () => {
    admin = await createSuperAdmin();
  });
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  const serve = async (images: CraftedImage[]) => {
    const server = await startCraftedImgapi('127.0.0.105', images);
    servers.push(server);
    return server.url;
  };

  it('refuses bad input with field messages, and a second repository of the same name', async () => {
    for (const url of ['ftp://example.com/imgapi', 'not a url', 'https://user:secret@example.com/imgapi']) {
      const outcome = await run(createRepository, { name: 'bad', url }, admin);
      expect(outcome).toMatchObject({ ok: false, code: 'invalid' });
      expect(!outcome.ok && outcome.fieldErrors?.url?.[0]).toMatch(/URL/);
    }
    expectOk(await run(createRepository, { name: 'twice', url: 'https://images.example.com/' }, admin));
    expect(await run(createRepository, { name: 'twice', url: 'https://other.example.com' }, admin)).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expect(await getDb().select().from(imageRepositories).where(eq(imageRepositories.name, 'bad'))).toHaveLength(0);
    // The trailing slash is dropped, so /images is appended cleanly.
    expect(
      (await firstRow(getDb().select().from(imageRepositories).where(eq(imageRepositories.name, 'twice'))))?.url,
    ).toBe('https://images.example.com');
  });

  it('lets only SuperAdmins add, change and remove repositories', async () => {
    const dc = await createDataCenterAs(admin);
    const importer = await createUserWithRole(['ImageAdmin', 'ImageImportAdmin'], dc);
    const { id } = expectOk(
      await run(createRepository, { name: 'guarded', url: 'https://guarded.example.com' }, admin),
    );
    expect(await run(createRepository, { name: 'mine', url: 'https://mine.example.com' }, importer)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(
      await run(updateRepository, { repositoryId: id, name: 'renamed', url: 'https://guarded.example.com' }, importer),
    ).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await run(deleteRepository, { repositoryId: id }, importer)).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await rowOf(id))?.name).toBe('guarded');
  });

  it('reads a listing of several pages, skipping entries that are not manifests', async () => {
    const listed = [...manifests(2400), ...manifests(3, { files: [] })];
    const { id } = expectOk(await run(createRepository, { name: 'big', url: await serve(listed) }, admin));
    expect(expectOk(await run(refreshRepository, { repositoryId: id }, admin))).toMatchObject({
      imageCount: 2400,
      skipped: 3,
    });
    const row = (await rowOf(id))!;
    expect(row.cachedManifests).toHaveLength(2400);
    expect(row.lastRefreshedAt).toBeInstanceOf(Date);
    expect(row.lastError).toBe('3 listed image(s) had no usable manifest and are not shown.');
  });

  it('fails a refresh whose listing passes the size cap, and keeps the last good listing', async () => {
    const images = manifests(2);
    const url = await serve(images);
    const { id } = expectOk(await run(createRepository, { name: 'growing', url }, admin));
    expectOk(await run(refreshRepository, { repositoryId: id }, admin));
    images.push(...manifests(1, { description: 'x'.repeat(1024 * 1024) }));
    const outcome = await run(refreshRepository, { repositoryId: id }, admin);
    expect(!outcome.ok && outcome.error).toMatch(/sent more than 1(\.0+)? MiB for the image list/);
    expect(await rowOf(id)).toMatchObject({
      imageCount: 2,
      lastError: expect.stringMatching(/^Refresh failed: .*sent more than/),
    });
  });

  it('drops the cached listing when the URL changes, and removes only the row on delete', async () => {
    const { id } = expectOk(await run(createRepository, { name: 'moving', url: await serve(manifests(1)) }, admin));
    expectOk(await run(refreshRepository, { repositoryId: id }, admin));
    expectOk(
      await run(updateRepository, { repositoryId: id, name: 'moving', url: 'https://elsewhere.example.com' }, admin),
    );
    expect(await rowOf(id)).toMatchObject({ cachedManifests: null, imageCount: null, lastRefreshedAt: null });
    // Its images are no longer known here: an import asks for a refresh first, saying so.
    const uuid = crypto.randomUUID();
    expect(await run(importImage, { repositoryId: id, uuid }, admin)).toMatchObject({
      ok: false,
      code: 'not_found',
      error: `Image ${uuid} in the last listing of moving was not found. Refresh the repository to see its images as they are now.`,
    });
    expectOk(await run(deleteRepository, { repositoryId: id }, admin));
    expect(await rowOf(id)).toBeUndefined();
  });

  it('browses with filters, shows what is here already, and offers each user only their own data centers', async () => {
    const file = Buffer.from('a small disk');
    const sha1 = crypto.createHash('sha1').update(file).digest('hex');
    const [alpha, beta, gamma] = manifests(3).map((image, i) => ({
      file,
      manifest: {
        ...image.manifest,
        name: ['alpha', 'beta', 'gamma'][i],
        os: i === 1 ? 'windows' : 'linux',
        files: [{ sha1, size: file.length, compression: 'none' }],
      },
    }));
    const { id } = expectOk(
      await run(createRepository, { name: 'browsed', url: await serve([alpha!, beta!, gamma!]) }, admin),
    );
    expectOk(await run(refreshRepository, { repositoryId: id }, admin));
    await createUrlImage(admin, { name: 'beta', sourceUrl: 'https://example.com/beta.qcow2', sha256: 'b'.repeat(64) });
    const { jobId } = expectOk(await run(importImage, { repositoryId: id, uuid: gamma!.manifest.uuid }, admin));
    await getJobRunner().waitFor(jobId);

    const all = (await browseRepository(admin, id, {}, 1))!;
    expect(all.total).toBe(3);
    const byName = Object.fromEntries(all.rows.map((r) => [r.name, r]));
    expect(byName.gamma).toMatchObject({ imported: { id: gamma!.manifest.uuid, name: 'gamma' }, nameTaken: false });
    expect(byName.beta).toMatchObject({ imported: null, nameTaken: true });
    expect(byName.alpha).toMatchObject({ imported: null, nameTaken: false, sizeBytes: file.length });
    expect(all.options.os).toEqual(['linux', 'windows']);
    expect((await browseRepository(admin, id, { os: 'windows' }, 1))!.rows.map((r) => r.name)).toEqual(['beta']);
    expect((await browseRepository(admin, id, { q: 'ALP' }, 1))!.rows.map((r) => r.name)).toEqual(['alpha']);
    expect((await browseRepository(admin, id, {}, 99))!.page).toBe(1);

    const dc = await createDataCenterAs(admin);
    const importer = await createUserWithRole(['ImageAdmin', 'ImageImportAdmin'], dc);
    expect(await importTargets(importer)).toEqual({
      dataCenters: [{ id: dc, name: expect.any(String) }],
      allowGlobal: false,
    });
    expect((await importTargets(admin)).allowGlobal).toBe(true);
    expect((await browseRepository(importer, id, {}, 1))?.total).toBe(3);
    // Without ImageAdmin beside it, ImageImportAdmin does not count, and DCAdmins never browse.
    expect(await browseRepository(await createUserWithRole('ImageImportAdmin', dc), id, {}, 1)).toBeNull();
    expect(await browseRepository(await createUserWithRole('DCAdmin', dc), id, {}, 1)).toBeNull();
  });

  it('does the same through the JSON API: add, refresh, browse and import with a token', async () => {
    const { json } = await session(admin.username, 'correct horse battery');
    const token = json.token as string;
    const file = Buffer.from('disk bytes over the API');
    const image: CraftedImage = {
      file,
      manifest: {
        ...manifests(1)[0]!.manifest,
        name: 'api-imported',
        files: [{ sha1: crypto.createHash('sha1').update(file).digest('hex'), size: file.length, compression: 'none' }],
      },
    };
    const created = await call('POST', '/repositories', {
      token,
      body: { name: 'over-api', url: await serve([image]) },
    });
    expect(created.status).toBe(201);
    const params = { repositoryId: created.json.id as string };
    expect(await call('POST', '/repositories/{repositoryId}/refresh', { token, params })).toMatchObject({
      status: 200,
      json: { imageCount: 1 },
    });
    const browsed = await call('GET', '/repositories/{repositoryId}/images', { token, params, query: 'q=api' });
    expect(browsed.json.rows).toEqual([expect.objectContaining({ uuid: image.manifest.uuid, imported: null })]);
    expect(
      (await call('GET', '/repositories/{repositoryId}/images', { token, params, query: 'page=zero' })).status,
    ).toBe(400);
    const queued = await call('POST', '/repositories/{repositoryId}/imports', {
      token,
      params,
      body: { uuid: image.manifest.uuid },
    });
    expect(queued.status).toBe(202);
    await getJobRunner().waitFor(queued.json.jobId);
    const after = await call('GET', '/repositories/{repositoryId}/images', { token, params });
    expect(after.json.rows[0].imported).toEqual({ id: image.manifest.uuid, name: 'api-imported' });
    expect(
      (
        await call('GET', '/repositories/{repositoryId}/images', {
          token,
          params: { repositoryId: crypto.randomUUID() },
        })
      ).status,
    ).toBe(404);
  });

  it(`keeps at most ${MAX_REPOSITORIES} repositories`, async () => {
    const existing = (await getDb().select().from(imageRepositories)).length;
    for (let i = existing; i < MAX_REPOSITORIES; i++)
      expectOk(await run(createRepository, { name: `filler-${i}`, url: `https://r${i}.example.com` }, admin));
    const outcome = await run(createRepository, { name: 'one-too-many', url: 'https://more.example.com' }, admin);
    expect(!outcome.ok && outcome.error).toMatch(`at most ${MAX_REPOSITORIES} repositories`);
    expect(await getDb().select().from(imageRepositories)).toHaveLength(MAX_REPOSITORIES);
  });
});
