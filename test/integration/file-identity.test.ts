import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyImageAvailability } from '@/lib/availability/operations';
import { getDb, firstRow } from '@/lib/db/client';
import { jobs, nodeImages } from '@/lib/db/tables';
import { updateImage } from '@/lib/images/edit';
import { getJobRunner } from '@/lib/jobs/runner';
import { startImageSync } from '@/lib/sync/operations';
import type { SyncImagesResult } from '@/lib/sync/result';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import { createUrlImage, expectOk, installAndWait, run, nodeImageRow } from '../support/portal';

/**
 * A file on a node is named from what never changes, the image's id, and every later step uses the
 * path recorded when it was installed: renaming an image, or giving another image its old name,
 * can neither orphan a file nor overwrite one.
 */
describe('files on nodes keep their identity whatever the images are called', async () => {
  let world: SshWorld;
  let imageDir: string;
  let nodeId: string;

  beforeAll(async () => {
    world = await startSshWorld({ hosts: ['127.0.0.171'], fixtureName: 'ident.qcow2' });
    imageDir = world.sshNodes[0]!.imageDir;
    nodeId = world.nodeIds[0]!;
  });
  afterAll(() => world.stop());

  const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const newImage = async (name: string) =>
    await createUrlImage(world.admin, { name, sourceUrl: world.mirror.url('ident.qcow2'), sha256: world.qcow2.sha256 });
  const rename = (imageId: string, name: string) =>
    run(
      updateImage,
      { imageId, name, version: '1', osType: 'linux', category: 'Linux', diskFormat: 'qcow2', containerFormat: 'bare' },
      world.admin,
    );
  const row = (imageId: string) => nodeImageRow(nodeId, imageId);
  const settle = async () => getJobRunner().waitForIdle();

  it('install, rename, uninstall: the file and its sidecar are gone', async () => {
    const imageId = await newImage('before-rename');
    expect((await installAndWait(world.admin, imageId, nodeId)).status).toBe('succeeded');
    const file = path.join(imageDir, `${imageId}.qcow2`);
    expect((await row(imageId))?.path).toBe(file);

    expectOk(await rename(imageId, 'after-rename'));
    expectOk(await run(applyImageAvailability, { imageId, shown: [nodeId], available: [] }, world.admin));
    await settle();

    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.manifest.json`)).toBe(false);
    expect(fs.readdirSync(imageDir).filter((f) => f.startsWith(imageId))).toEqual([]);
    expect(await row(imageId)).toBeUndefined();
  });

  it("install A, rename A, create B with A's old name, install B: A's file is untouched", async () => {
    const a = await newImage('shared-name');
    expect((await installAndWait(world.admin, a, nodeId)).status).toBe('succeeded');
    const fileA = path.join(imageDir, `${a}.qcow2`);
    const sidecarA = fs.readFileSync(`${fileA}.manifest.json`, 'utf8');
    const inodeA = fs.statSync(fileA).ino;

    expectOk(await rename(a, 'shared-name-old'));
    const b = await newImage('shared-name');
    expect((await installAndWait(world.admin, b, nodeId)).status).toBe('succeeded');

    expect(fs.statSync(fileA).ino).toBe(inodeA);
    expect(sha256Of(fileA)).toBe(world.qcow2.sha256);
    expect(fs.readFileSync(`${fileA}.manifest.json`, 'utf8')).toBe(sidecarA);
    expect((await row(b))?.path).toBe(path.join(imageDir, `${b}.qcow2`));
    expect(await row(a)).toMatchObject({ state: 'installed', path: fileA });
  });

  it('sync after a rename still matches the file to its image', async () => {
    const imageId = await newImage('synced-before');
    expect((await installAndWait(world.admin, imageId, nodeId)).status).toBe('succeeded');
    expectOk(await rename(imageId, 'synced-after'));
    await getDb().update(nodeImages).set({ state: 'missing', available: false }).where(eq(nodeImages.imageId, imageId));

    const { jobId } = expectOk(
      await run(startImageSync, { dataCenterId: world.dataCenterId, verify: false }, world.admin),
    );
    await getJobRunner().waitFor(jobId);
    const result = (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!.result as SyncImagesResult;

    expect(result.nodes[0]!.found).toContainEqual(
      expect.objectContaining({ imageId, imageName: 'synced-after', fileName: `${imageId}.qcow2` }),
    );
    expect(result.nodes[0]!.unknown).toEqual([]);
    expect(await row(imageId)).toMatchObject({ state: 'installed', path: path.join(imageDir, `${imageId}.qcow2`) });
  });

  it('a commit never replaces a file that belongs to another image, even at a path recorded the old way', async () => {
    // Files installed by earlier versions were named after the image; two rows can name the same one.
    const a = await newImage('old-a');
    expect((await installAndWait(world.admin, a, nodeId)).status).toBe('succeeded');
    const legacy = path.join(imageDir, 'legacy-name.qcow2');
    fs.renameSync(path.join(imageDir, `${a}.qcow2`), legacy);
    const sidecarA = fs
      .readFileSync(path.join(imageDir, `${a}.qcow2.manifest.json`), 'utf8')
      .replace(`${a}.qcow2`, 'legacy-name.qcow2');
    fs.writeFileSync(`${legacy}.manifest.json`, sidecarA);
    fs.rmSync(path.join(imageDir, `${a}.qcow2.manifest.json`));
    await getDb().update(nodeImages).set({ path: legacy }).where(eq(nodeImages.imageId, a));
    const b = await newImage('old-b');
    await getDb()
      .insert(nodeImages)
      .values({ nodeId, imageId: b, state: 'failed', path: legacy, updatedAt: new Date() });

    const job = await installAndWait(world.admin, b, nodeId);

    expect(job.status).toBe('failed');
    expect(job.error).toBe(
      `${legacy} already exists on the node and does not belong to this image; the portal never replaces another image's file. ` +
        'Move or remove it on the node, or run Sync Available Images to see whose it is, then retry.',
    );
    expect(sha256Of(legacy)).toBe(world.qcow2.sha256);
    expect(fs.readFileSync(`${legacy}.manifest.json`, 'utf8')).toBe(sidecarA);
    expect(fs.readdirSync(imageDir).filter((f) => f.startsWith('legacy-name.qcow2.'))).toEqual([
      'legacy-name.qcow2.manifest.json',
    ]);
    expect(await row(a)).toMatchObject({ state: 'installed', path: legacy });
    expect(await row(b)).toMatchObject({ state: 'failed' });

    // Uninstalling A removes the file at its recorded path, whatever A is called now.
    expectOk(await rename(a, 'old-a-renamed'));
    expectOk(await run(applyImageAvailability, { imageId: a, shown: [nodeId], available: [] }, world.admin));
    await settle();
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.existsSync(`${legacy}.manifest.json`)).toBe(false);
  });
});
