// Remote reads give up after one silent second here, so the timeout case does not wait 30 s.
process.env.PORTAL_IMGAPI_TIMEOUT_S = '1';

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { imageRepositories, images, jobs } from '@/lib/db/tables';
import { importImage } from '@/lib/repositories/import/operation';
import { cancelJob } from '@/lib/jobs/operations';
import { listJobsPage } from '@/lib/jobs/queries';
import { getJobRunner } from '@/lib/jobs/runner';
import { createRepository, refreshRepository } from '@/lib/repositories/operations';
import { startCraftedImgapi } from '../support/crafted-imgapi';
import { craft, hash, importAndWait, storeFiles, withOwnManifest } from '../support/imports';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  run,
  until,
} from '../support/portal';
import { localStoreDir } from '../support/store';

describe('importing from a repository that misbehaves', () => {
  const disk = crypto.randomBytes(3 * 1024 * 1024 + 123);
  let admin: UserContext;
  let dataCenterId: string;

  const gz = zlib.gzipSync(disk);
  const bz2 = execFileSync('bzip2', ['-c'], { input: disk, maxBuffer: 64 * 1024 * 1024 });
  const crafted = {
    gzip: craft('gz-image', gz, { files: [{ sha1: hash('sha1', gz), size: gz.length, compression: 'gzip' }] }),
    bzip2: craft('bz2-image', bz2, { files: [{ sha1: hash('sha1', bz2), size: bz2.length, compression: 'bzip2' }] }),
    tampered: craft('tampered', disk, {
      files: [{ sha1: hash('sha1', Buffer.from('something else')), size: disk.length, compression: 'none' }],
    }),
    short: craft('short', disk, { files: [{ sha1: hash('sha1', disk), size: disk.length + 10, compression: 'none' }] }),
    cut: craft('cut', disk, {}, 'cut'),
    stall: craft('stall', disk, {}, 'stall'),
    hugeManifest: withOwnManifest(craft('huge-manifest', disk), { description: 'x'.repeat(300 * 1024) }),
    taken: craft('alpine-a', disk),
    docker: craft('a-docker-layer', disk, { type: 'docker' }),
    slow: craft('slow', disk, {}, 'slow'),
  };
  let remote!: Awaited<ReturnType<typeof startCraftedImgapi>>;
  let craftedRepositoryId: string;
  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    // Taken here already: the name of one remote image.
    await createUrlImage(admin, {
      name: 'alpine-a',
      sourceUrl: 'https://example.com/alpine-a.qcow2',
      sha256: 'a'.repeat(64),
    });
    remote = await startCraftedImgapi('127.0.0.102', Object.values(crafted));
    ({ id: craftedRepositoryId } = expectOk(await run(createRepository, { name: 'crafted', url: remote.url }, admin)));
    expect(expectOk(await run(refreshRepository, { repositoryId: craftedRepositoryId }, admin)).imageCount).toBe(
      Object.keys(crafted).length,
    );
  });
  afterAll(() => remote?.close());

  it.each(['gzip', 'bzip2'] as const)('decompresses a %s file and stores the original bytes', async (kind) => {
    const job = await importAndWait(admin, { repositoryId: craftedRepositoryId, uuid: crafted[kind].manifest.uuid });
    expect(job.error).toBeNull();
    const image = (await firstRow(getDb().select().from(images).where(eq(images.id, crafted[kind].manifest.uuid))))!;
    expect(image).toMatchObject({
      sha256: hash('sha256', disk),
      sizeBytes: disk.length,
      diskFormat: 'raw',
      dcBoundId: null,
    });
    expect(hash('sha256', fs.readFileSync(path.join(localStoreDir(), image.storeFile!)))).toBe(hash('sha256', disk));
  });

  it.each([
    ['tampered', /SHA-1 mismatch/],
    ['short', /sent 3145851 bytes, but the manifest says the file has 3145861; it is truncated/],
    ['cut', /download stopped after \d+ of 3145851 bytes/],
    ['stall', /did not answer for 1 s .*timed out/],
    ['hugeManifest', /sent more than 256(\.0)? KiB for the manifest/],
  ] as const)('fails the %s import cleanly: no image, no file, the error on the repository', async (kind, message) => {
    const filesBefore = storeFiles();
    const job = await importAndWait(admin, { repositoryId: craftedRepositoryId, uuid: crafted[kind].manifest.uuid });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(message);
    expect(
      await firstRow(getDb().select().from(images).where(eq(images.id, crafted[kind].manifest.uuid))),
    ).toBeUndefined();
    expect(storeFiles()).toEqual(filesBefore);
    const row = (await firstRow(
      getDb().select().from(imageRepositories).where(eq(imageRepositories.id, craftedRepositoryId)),
    ))!;
    expect(row.lastError).toMatch(message);
    // The jobs list names the image it was to be, though it never came to exist.
    const listed = (await listJobsPage(admin, { kind: 'import', page: 1, pageSize: 100 })).rows.find(
      (r) => r.job.id === job.id,
    );
    expect(listed?.imageName).toBe(crafted[kind].manifest.name);
  });

  it('lets the importer cancel a running import, which leaves nothing behind and no error on the repository', async () => {
    const importer = await createUserWithRole(['ImageAdmin', 'ImageImportAdmin'], dataCenterId);
    const errorBefore = (await firstRow(
      getDb().select().from(imageRepositories).where(eq(imageRepositories.id, craftedRepositoryId)),
    ))!.lastError;
    const filesBefore = storeFiles();
    const { jobId } = expectOk(
      await run(
        importImage,
        { repositoryId: craftedRepositoryId, uuid: crafted.slow.manifest.uuid, dataCenterId },
        importer,
      ),
    );
    const job = async () => (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    await until(async () => (await job()).bytesDone > 0);
    expect(await run(cancelJob, { jobId }, await createUserWithRole('ImageAdmin', dataCenterId))).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expectOk(await run(cancelJob, { jobId }, importer));
    await getJobRunner().waitFor(jobId);
    expect((await job()).status).toBe('cancelled');
    expect(
      await firstRow(getDb().select().from(images).where(eq(images.id, crafted.slow.manifest.uuid))),
    ).toBeUndefined();
    expect(storeFiles()).toEqual(filesBefore);
    expect(
      (await firstRow(getDb().select().from(imageRepositories).where(eq(imageRepositories.id, craftedRepositoryId))))!
        .lastError,
    ).toBe(errorBefore);
  });

  it('refuses an image whose name exists here, or that is not a disk image, with a clear message', async () => {
    const taken = await run(
      importImage,
      { repositoryId: craftedRepositoryId, uuid: crafted.taken.manifest.uuid },
      admin,
    );
    expect(!taken.ok && taken.error).toMatch(
      /An image named "alpine-a" already exists; import this one under another name/,
    );
    const renamed = await importAndWait(admin, {
      repositoryId: craftedRepositoryId,
      uuid: crafted.taken.manifest.uuid,
      name: 'alpine-b',
    });
    expect(renamed.status).toBe('succeeded');
    const docker = await run(
      importImage,
      { repositoryId: craftedRepositoryId, uuid: crafted.docker.manifest.uuid },
      admin,
    );
    expect(!docker.ok && docker.error).toMatch(/Docker images .* cannot import them/);
  });

  it('fails an import from a repository nobody answers at, and a refresh of it, with the error on the row', async () => {
    const { id: goneId } = expectOk(
      await run(createRepository, { name: 'gone', url: 'http://127.0.0.103:39999/imgapi' }, admin),
    );
    // As if it had answered once: its last listing is the crafted repository's.
    const { cachedManifests, imageCount } = (await firstRow(
      getDb().select().from(imageRepositories).where(eq(imageRepositories.id, craftedRepositoryId)),
    ))!;
    await getDb()
      .update(imageRepositories)
      .set({ cachedManifests, imageCount })
      .where(eq(imageRepositories.id, goneId));

    const job = await importAndWait(admin, { repositoryId: goneId, uuid: crafted.tampered.manifest.uuid });
    expect(job.error).toMatch(
      /Could not read the manifest .* from http:\/\/127\.0\.0\.103:39999\/imgapi\/images\/.* \(fetch failed: connect ECONNREFUSED/,
    );
    const refresh = await run(refreshRepository, { repositoryId: goneId }, admin);
    expect(refresh).toMatchObject({ ok: false, code: 'unavailable' });
    const row = (await firstRow(getDb().select().from(imageRepositories).where(eq(imageRepositories.id, goneId))))!;
    expect(row.lastError).toMatch(/^Refresh failed: Could not read the image list .*ECONNREFUSED/);
    // The last good listing stays browsable.
    expect(row.imageCount).toBe(Object.keys(crafted).length);
  });
});
