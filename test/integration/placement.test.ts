import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyImageAvailability } from '@/lib/availability/operations';
import { getDb, firstRow } from '@/lib/db/client';
import { imageDataCenters, jobs } from '@/lib/db/tables';
import { createImage, setImageAttachment } from '@/lib/images/operations';
import { searchAttachableImages } from '@/lib/locations/attached-images';
import { attachAndInstall, installImage } from '@/lib/install/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { startImageSync } from '@/lib/sync/operations';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import { createUrlImage, createUserWithRole, expectOk, run, until, nodeImageRow } from '../support/portal';

/**
 * The placement rule on real sshd nodes: a node offers an image only where the image is usable in
 * the node's data center, bound to it or attached to it. Install, availability, sync and the record
 * of a finished install all keep to it; "attach and install" is the one confirmed step around it.
 */
describe('the placement rule', async () => {
  let world: SshWorld;
  let nodeId: string;

  beforeAll(async () => {
    world = await startSshWorld({ hosts: ['127.0.0.181'], fixtureName: 'placed.qcow2', dataMb: 4 });
    nodeId = world.nodeIds[0]!;
  });
  afterAll(() => world.stop());

  const notAttached = (name: string) => (text: string) =>
    text.startsWith(`${name} is not attached to `) && text.endsWith('Attach it there first.');
  const unattachedImage = async (name: string, rate?: number) =>
    await createUrlImage(
      world.admin,
      {
        name,
        sourceUrl: `${world.mirror.url('placed.qcow2')}${rate ? `?rate=${rate}` : ''}`,
        sha256: world.qcow2.sha256,
      },
      { attachTo: [] },
    );
  const row = (imageId: string) => nodeImageRow(nodeId, imageId);
  const jobsOf = async (imageId: string) => await getDb().select().from(jobs).where(eq(jobs.imageId, imageId));

  it('refuses an install, even a SuperAdmin’s, where the image is not attached, queueing nothing', async () => {
    const imageId = await unattachedImage('nowhere');
    const refused = await run(installImage, { imageId, nodeId }, world.admin);
    expect(refused).toMatchObject({ ok: false, code: 'invalid' });
    expect(!refused.ok && notAttached('nowhere')(refused.error)).toBe(true);
    const applied = await run(applyImageAvailability, { imageId, shown: [nodeId], available: [nodeId] }, world.admin);
    expect(!applied.ok && notAttached('nowhere')(applied.error)).toBe(true);
    expect(await jobsOf(imageId)).toEqual([]);
    expect(await row(imageId)).toBeUndefined();
  });

  it('attaches and installs in one step, for whoever may attach there, and not for a DCAdmin', async () => {
    const imageId = await unattachedImage('attach-and-go');
    const dcAdmin = await createUserWithRole('DCAdmin', world.dataCenterId);
    expect(await run(attachAndInstall, { imageId, nodeId }, dcAdmin)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await getDb().select().from(imageDataCenters).where(eq(imageDataCenters.imageId, imageId))).toEqual([]);

    const imageAdmin = await createUserWithRole('ImageAdmin', world.dataCenterId);
    const { jobId } = expectOk(await run(attachAndInstall, { imageId, nodeId }, imageAdmin));
    await getJobRunner().waitFor(jobId);
    expect(await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId)))).toMatchObject({
      status: 'succeeded',
    });
    expect(await getDb().select().from(imageDataCenters).where(eq(imageDataCenters.imageId, imageId))).toMatchObject([
      { dataCenterId: world.dataCenterId, attachedBy: imageAdmin.id },
    ]);
    expect(await row(imageId)).toMatchObject({ state: 'installed', available: true });
    const file = path.join(world.sshNodes[0]!.imageDir, `${imageId}.qcow2`);
    expect(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(world.qcow2.sha256);
  });

  it('records an install that finishes after a detach as installed but not offered', async () => {
    const imageId = await unattachedImage('detached-midway', 512 * 1024);
    const { jobId } = expectOk(await run(attachAndInstall, { imageId, nodeId }, world.admin));
    await until(
      async () => ((await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))?.bytesDone ?? 0) > 0,
    );
    expectOk(
      await run(setImageAttachment, { imageId, dataCenterId: world.dataCenterId, attached: false }, world.admin),
    );
    await getJobRunner().waitFor(jobId);

    expect(await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId)))).toMatchObject({
      status: 'succeeded',
    });
    expect(await row(imageId)).toMatchObject({ state: 'installed', available: false });
    // Offering it again needs the attachment back.
    const offer = await run(applyImageAvailability, { imageId, shown: [nodeId], available: [nodeId] }, world.admin);
    expect(!offer.ok && notAttached('detached-midway')(offer.error)).toBe(true);
  });

  it('has a sync keep a copy it finds where the image is not attached, but never offer it', async () => {
    const imageId = await unattachedImage('found-elsewhere');
    const { jobId } = expectOk(await run(attachAndInstall, { imageId, nodeId }, world.admin));
    await getJobRunner().waitFor(jobId);
    await getDb().delete(imageDataCenters).where(eq(imageDataCenters.imageId, imageId)); // as an older version left it
    expect(await row(imageId)).toMatchObject({ state: 'installed', available: true });

    const sync = expectOk(await run(startImageSync, { dataCenterId: world.dataCenterId, verify: false }, world.admin));
    await getJobRunner().waitFor(sync.jobId);
    expect(await row(imageId)).toMatchObject({ state: 'installed', available: false });
  });

  it('never offers an image still waiting for its upload to be attached, and refuses attaching it', async () => {
    const fields = { version: '1', osType: 'linux', category: 'Linux', diskFormat: 'raw', containerFormat: 'bare' };
    const { id: imageId } = expectOk(
      await run(createImage, { ...fields, name: 'awaiting-file', source: 'upload', access: 'public' }, world.admin),
    );
    expect((await searchAttachableImages(world.admin, world.dataCenterId, 'awaiting-file')).images).toEqual([]);
    const refused = await run(
      setImageAttachment,
      { imageId, dataCenterId: world.dataCenterId, attached: true },
      world.admin,
    );
    expect(refused).toMatchObject({
      ok: false,
      code: 'conflict',
      error: 'awaiting-file has no file yet; attach it once its upload has been verified.',
    });
    expect(await getDb().select().from(imageDataCenters).where(eq(imageDataCenters.imageId, imageId))).toEqual([]);
  });
});
