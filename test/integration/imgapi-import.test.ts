import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, imageDataCenters, images, jobs, storeFileHashes } from '@/lib/db/tables';
import { importImage } from '@/lib/repositories/import/operation';
import { createRepository, refreshRepository } from '@/lib/repositories/operations';
import { hash, importAndWait } from '../support/imports';
import { createDataCenterAs, createSuperAdmin, createUserWithRole, expectOk, run } from '../support/portal';
import { startUpstreamPortal, type UpstreamPortal } from '@/scripts/lib/upstream-portal';
import { localStoreDir } from '../support/store';

describe('importing images from another portal over IMGAPI', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imgapi-import-'));
  const disk = crypto.randomBytes(3 * 1024 * 1024 + 123);
  const diskFile = path.join(work, 'disk.raw');
  let portalA: UpstreamPortal;
  let admin: UserContext;
  let dataCenterId: string;
  let otherDataCenterId: string;
  let repositoryId: string;

  beforeAll(async () => {
    fs.writeFileSync(diskFile, disk);
    portalA = await startUpstreamPortal('127.0.0.101', [
      {
        file: diskFile,
        name: 'alpine-a',
        version: '3.20',
        osType: 'linux',
        category: 'Linux',
        diskFormat: 'qcow2',
        minRamMb: 512,
        tags: 'small, edge',
      },
    ]);
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    otherDataCenterId = await createDataCenterAs(admin);
    ({ id: repositoryId } = expectOk(await run(createRepository, { name: 'portal-a', url: portalA.url }, admin)));
  }, 90_000);
  afterAll(async () => {
    await portalA?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('refreshes the listing, imports the image, and B stores exactly the file A serves', async () => {
    expect(expectOk(await run(refreshRepository, { repositoryId }, admin))).toMatchObject({
      imageCount: 1,
      skipped: 0,
    });
    const remote = portalA.images[0]!;
    const job = await importAndWait(admin, { repositoryId, uuid: remote.id, dataCenterId });
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.bytesDone).toBe(disk.length);

    const image = (await firstRow(getDb().select().from(images).where(eq(images.id, remote.id))))!;
    expect(image).toMatchObject({
      name: 'alpine-a',
      version: '3.20',
      diskFormat: 'qcow2',
      osType: 'linux',
      minRamMb: 512,
      status: 'ok',
      dcBoundId: dataCenterId,
    });
    expect(image.tags.sort()).toEqual(['edge', 'small']);
    expect(image).toMatchObject({
      sha256: hash('sha256', disk),
      md5: hash('md5', disk),
      sha1: hash('sha1', disk),
      sizeBytes: disk.length,
    });
    const stored = fs.readFileSync(path.join(localStoreDir(), image.storeFile!));
    expect(hash('sha256', stored)).toBe(hash('sha256', disk));
    // The same checksums portal A recorded for its own copy.
    const aCopy = fs.readFileSync(path.join(portalA.dataDir, 'images', `${remote.id}.qcow2`));
    expect(hash('sha256', stored)).toBe(hash('sha256', aCopy));
    // The import hashed what it stored and recorded it, so the first push need not hash it again.
    expect(
      await firstRow(getDb().select().from(storeFileHashes).where(eq(storeFileHashes.imageId, remote.id))),
    ).toMatchObject({
      storeFile: image.storeFile,
      sha256: hash('sha256', disk),
      sizeBytes: disk.length,
    });
    expect(await getDb().select().from(imageDataCenters).where(eq(imageDataCenters.imageId, remote.id))).toHaveLength(
      1,
    );
    expect(job.imageId).toBe(remote.id);
  });

  it('refuses to import the same image twice, before any job starts', async () => {
    const outcome = await run(importImage, { repositoryId, uuid: portalA.images[0]!.id, dataCenterId }, admin);
    expect(outcome).toMatchObject({ ok: false, code: 'conflict' });
    expect(!outcome.ok && outcome.error).toMatch(/already imported, as "alpine-a"/);
  });

  it('lets an ImageImportAdmin import into their own data center only, and refuses everyone else', async () => {
    const importer = await createUserWithRole(['ImageAdmin', 'ImageImportAdmin'], otherDataCenterId);
    const imageAdmin = await createUserWithRole('ImageAdmin', otherDataCenterId);
    const jobsBefore = (await getDb().select().from(jobs)).length;

    for (const user of [imageAdmin, await createUserWithRole('DCAdmin', otherDataCenterId)]) {
      expect(await run(refreshRepository, { repositoryId }, user)).toMatchObject({ ok: false, code: 'forbidden' });
      expect(
        await run(importImage, { repositoryId, uuid: portalA.images[0]!.id, dataCenterId: otherDataCenterId }, user),
      ).toMatchObject({
        ok: false,
        code: 'forbidden',
      });
    }
    expect(await run(importImage, { repositoryId, uuid: portalA.images[0]!.id, dataCenterId }, importer)).toMatchObject(
      { ok: false, code: 'forbidden' },
    );
    expect(await run(importImage, { repositoryId, uuid: portalA.images[0]!.id }, importer)).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(await getDb().select().from(jobs)).toHaveLength(jobsBefore);
    const denied = await getDb()
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, 'image.import'),
          eq(auditEvents.outcome, 'denied'),
          eq(auditEvents.userId, imageAdmin.id),
        ),
      );
    expect(denied).toHaveLength(1);
    expect(expectOk(await run(refreshRepository, { repositoryId }, importer)).imageCount).toBe(1);
  });
});
