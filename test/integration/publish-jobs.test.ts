import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { createCloudAccount, testCloudAccount } from '@/lib/clouds/operations';
import { getDb, firstRow } from '@/lib/db/client';
import { jobs, publications } from '@/lib/db/tables';
import { cancelJob } from '@/lib/jobs/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { requireImage } from '@/lib/images/queries';
import { publishImage, removePublication } from '@/lib/publish/operations';
import { readVhdFooter } from '@/lib/publish/vhd';
import { makeQcow2 } from '@/scripts/lib/fixture-image';
import { startAzurite, type AzuriteService } from '@/scripts/lib/services/azurite';
import { startGlance, type GlanceService } from '@/scripts/lib/services/glance';
import { startS3Server, type S3Server } from '@/scripts/lib/services/s3-server';
import { lastAudit } from '../support/audit';
import { createStoreImage, createSuperAdmin, expectOk, run, until } from '../support/portal';

/**
 * The publish job end to end, through the operations the pages and the API call, against a real
 * Glance (Debian's glance-api, no Keystone), s3rver and Azurite: what lands in each cloud is read
 * back from the cloud itself.
 */
const sha = (algorithm: string, data: Buffer) => crypto.createHash(algorithm).update(data).digest('hex');

/** Random bytes with a run of zeros in the middle, as a disk has: Azure skips the zero pages. */
function rawDisk(file: string, mib: number): Buffer {
  const data = crypto.randomBytes(mib * 1024 * 1024);
  data.fill(0, Math.floor(data.length / 3), Math.floor((2 * data.length) / 3));
  fs.writeFileSync(file, data);
  return data;
}

describe('publishing images to external clouds', () => {
  let admin: UserContext;
  let glance: GlanceService;
  let s3: S3Server;
  let azure: AzuriteService;
  let work: string;
  beforeAll(async () => {
    admin = await createSuperAdmin();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-jobs-'));
    [glance, s3, azure] = await Promise.all([
      startGlance({ host: '127.0.0.184' }),
      startS3Server({ host: '127.0.0.185' }),
      startAzurite({ host: '127.0.0.186' }),
    ]);
    await s3.createBucket('golden');
    await azure.createContainer('vhds');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([glance?.stop(), s3?.stop(), azure?.stop()]);
  });

  const glanceAccount = async (name: string, extra: Record<string, unknown> = {}) =>
    expectOk(
      await run(createCloudAccount, { name, kind: 'openstack', auth: 'none', imageUrl: glance.url, ...extra }, admin),
    ).id;
  const s3Account = async (name: string, extra: Record<string, unknown> = {}) =>
    expectOk(
      await run(
        createCloudAccount,
        {
          name,
          kind: 's3',
          endpoint: s3.endpoint,
          region: s3.region,
          bucket: 'golden',
          prefix: 'images/',
          forcePathStyle: true,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
          ...extra,
        },
        admin,
      ),
    ).id;

  const azureAccount = async (name: string, auth: 'sas' | 'shared-key') => {
    const credentials =
      auth === 'sas'
        ? { sasToken: azure.containerSas('vhds') }
        : { accountName: azure.accountName, accountKey: azure.accountKey };
    const fields = { name, kind: 'azure-blob', accountUrl: azure.accountUrl, container: 'vhds', auth, ...credentials };
    return expectOk(await run(createCloudAccount, fields, admin)).id;
  };

  /** Publishes and waits for the job; returns the job row and the publication. */
  async function publish(imageId: string, accountId: string) {
    const { jobId } = expectOk(await run(publishImage, { imageId, accountId }, admin));
    await getJobRunner().waitFor(jobId);
    const job = (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    // The image's own publication: a partition image's kernel and ramdisk are published by the same job.
    const publication = (await firstRow(
      getDb()
        .select()
        .from(publications)
        .where(and(eq(publications.jobId, jobId), eq(publications.imageId, imageId))),
    ))!;
    return { job, publication };
  }

  const glanceImage = async (id: string) => (await fetch(`${glance.url}/v2/images/${id}`)).json();
  const glanceImages = async () =>
    (await (await fetch(`${glance.url}/v2/images`)).json()).images as { id: string; name: string }[];

  it('publishes a qcow2 image to Glance, which holds it active with our SHA-512 and MD5', async () => {
    const qcow2 = makeQcow2(path.join(work, 'glance.qcow2'), 32, 4);
    const imageId = await createStoreImage(admin, qcow2.file, {
      name: 'to-glance',
      diskFormat: 'qcow2',
      bootType: 'uefi',
      minRamMb: 512,
    });
    const accountId = await glanceAccount('glance-none');
    expect(expectOk(await run(testCloudAccount, { accountId }, admin))).toEqual({ ok: true });

    const { job, publication } = await publish(imageId, accountId);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const data = fs.readFileSync(qcow2.file);
    expect(publication).toMatchObject({
      status: 'published',
      formatSent: 'qcow2',
      compared: { sha512: sha('sha512', data), md5: qcow2.md5 },
    });
    expect(await glanceImage(publication.remoteId!)).toMatchObject({
      name: 'to-glance',
      status: 'active',
      disk_format: 'qcow2',
      checksum: qcow2.md5,
      os_hash_algo: 'sha512',
      os_hash_value: sha('sha512', data),
      visibility: 'private',
      hw_firmware_type: 'uefi',
      min_ram: 512,
    });
    expect(await lastAudit('image.publish.finish')).toMatchObject({ outcome: 'ok', targetId: imageId });
    // Glance computed the same SHA-512: the image keeps it, and the next publish need not hash again.
    expect((await requireImage(imageId)).sha512).toBe(sha('sha512', data));
  });

  it('publishes a partition image’s kernel and ramdisk first, links them, and reuses them the next time', async () => {
    const kernelData = rawDisk(path.join(work, 'vmlinuz'), 1);
    const ramdiskData = rawDisk(path.join(work, 'initrd'), 2);
    rawDisk(path.join(work, 'root.img'), 3);
    const kernelId = await createStoreImage(admin, path.join(work, 'vmlinuz'), {
      name: 'kernel',
      diskFormat: 'aki',
      containerFormat: 'aki',
    });
    const ramdiskId = await createStoreImage(admin, path.join(work, 'initrd'), {
      name: 'ramdisk',
      diskFormat: 'ari',
      containerFormat: 'ari',
    });
    const rootfs = { diskFormat: 'raw', kernelImageId: kernelId, ramdiskImageId: ramdiskId };
    const first = await createStoreImage(admin, path.join(work, 'root.img'), { name: 'partition-a', ...rootfs });
    const second = await createStoreImage(admin, path.join(work, 'root.img'), { name: 'partition-b', ...rootfs });
    const accountId = await glanceAccount('glance-partition');

    const { job, publication } = await publish(first, accountId);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const linked = await getDb().select().from(publications).where(eq(publications.accountId, accountId));
    const remoteOf = (imageId: string) => linked.find((p) => p.imageId === imageId)?.remoteId;
    expect(await glanceImage(remoteOf(kernelId)!)).toMatchObject({
      disk_format: 'aki',
      status: 'active',
      checksum: sha('md5', kernelData),
    });
    expect(await glanceImage(remoteOf(ramdiskId)!)).toMatchObject({
      disk_format: 'ari',
      status: 'active',
      checksum: sha('md5', ramdiskData),
    });
    expect(await glanceImage(publication.remoteId!)).toMatchObject({
      kernel_id: remoteOf(kernelId),
      ramdisk_id: remoteOf(ramdiskId),
    });

    const before = (await glanceImages()).length;
    const again = await publish(second, accountId);
    expect(again.job.status, again.job.error ?? '').toBe('succeeded');
    expect((await glanceImages()).length).toBe(before + 1);
    expect(await glanceImage(again.publication.remoteId!)).toMatchObject({ kernel_id: remoteOf(kernelId) });
  });

  it('publishes a raw image to S3 with a manifest beside it', async () => {
    const data = rawDisk(path.join(work, 's3.raw'), 6);
    const imageId = await createStoreImage(admin, path.join(work, 's3.raw'), { name: 'to-s3', version: '2.0' });
    const accountId = await s3Account('s3-golden');
    const { job, publication } = await publish(imageId, accountId);
    expect(job.status, job.error ?? '').toBe('succeeded');
    expect(publication).toMatchObject({ status: 'published', remoteId: 'images/to-s3-2.0.raw' });
    const object = fs.readFileSync(path.join(s3.dataDir, 'golden', 'images', 'to-s3-2.0.raw._S3rver_object'));
    expect(sha('sha256', object)).toBe(sha('sha256', data));
    const manifest = JSON.parse(
      fs.readFileSync(path.join(s3.dataDir, 'golden', 'images', 'to-s3-2.0.raw.manifest.json._S3rver_object'), 'utf8'),
    );
    expect(manifest).toMatchObject({
      image: { id: imageId, name: 'to-s3', version: '2.0', diskFormat: 'raw' },
      file: { key: 'images/to-s3-2.0.raw', sha256: sha('sha256', data), md5: sha('md5', data), sizeBytes: data.length },
    });
  });

  it('publishes a qcow2 image to Azure as a fixed VHD page blob with a whole-MiB disk and a matching MD5', async () => {
    const qcow2 = makeQcow2(path.join(work, 'azure.qcow2'), 33, 4);
    const imageId = await createStoreImage(admin, qcow2.file, { name: 'to-azure', diskFormat: 'qcow2' });
    const accountId = await azureAccount('azure-vhds', 'sas');
    const { job, publication } = await publish(imageId, accountId);
    expect(job.status, job.error ?? '').toBe('succeeded');
    expect(publication.formatSent).toBe('vhd');
    const blob = azure.serviceClient().getContainerClient('vhds').getBlobClient(publication.remoteId!);
    const properties = await blob.getProperties();
    expect(properties.blobType).toBe('PageBlob');
    const downloaded = path.join(work, 'downloaded.vhd');
    await blob.downloadToFile(downloaded);
    const bytes = fs.readFileSync(downloaded);
    expect(Buffer.from(properties.contentMD5!).toString('hex')).toBe(sha('md5', bytes));
    const footer = await readVhdFooter(downloaded);
    expect(footer).toMatchObject({ cookie: 'conectix', diskType: 2 });
    expect((bytes.length - 512) % (1024 * 1024)).toBe(0);
    expect(bytes.length - 512).toBe(33 * 1024 * 1024);
    // The scratch conversion is gone from the store.
    expect(
      fs.readdirSync(path.join(process.env.PORTAL_DATA_DIR!, 'images')).filter((f) => f.endsWith('.upload')),
    ).toEqual([]);
  });

  it('converts a dynamic VHD to a fixed one for Azure, which takes nothing else', async () => {
    rawDisk(path.join(work, 'dynamic.raw'), 3);
    const dynamic = path.join(work, 'dynamic.vhd');
    execFileSync('qemu-img', ['convert', '-O', 'vpc', path.join(work, 'dynamic.raw'), dynamic]);
    expect((await readVhdFooter(dynamic)).diskType).toBe(3);
    const imageId = await createStoreImage(admin, dynamic, { name: 'dynamic-vhd', diskFormat: 'vhd' });
    const accountId = await azureAccount('azure-dynamic', 'sas');
    const { job, publication } = await publish(imageId, accountId);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const downloaded = path.join(work, 'fixed.vhd');
    await azure
      .serviceClient()
      .getContainerClient('vhds')
      .getBlobClient(publication.remoteId!)
      .downloadToFile(downloaded);
    expect(await readVhdFooter(downloaded)).toMatchObject({ diskType: 2 });
  });

  it('fails with the cloud’s reason on wrong credentials, leaving nothing there', async () => {
    rawDisk(path.join(work, 'wrong-key.raw'), 1);
    const imageId = await createStoreImage(admin, path.join(work, 'wrong-key.raw'), { name: 'wrong-key' });
    const accountId = await s3Account('s3-wrong-key', { secretAccessKey: 'not-the-secret' });
    const tested = expectOk(await run(testCloudAccount, { accountId }, admin));
    expect(tested).toMatchObject({ ok: false, reason: 'credentials' });
    const { job, publication } = await publish(imageId, accountId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/credential|key|signature/i);
    expect(publication).toMatchObject({ status: 'failed', remoteState: null });
    expect(fs.existsSync(path.join(s3.dataDir, 'golden', 'images', 'wrong-key-1.raw._S3rver_object'))).toBe(false);
  });

  it('cancelled mid-upload, leaves no blob behind', async () => {
    rawDisk(path.join(work, 'big.raw'), 96);
    const imageId = await createStoreImage(admin, path.join(work, 'big.raw'), { name: 'cancelled-upload' });
    const accountId = await azureAccount('azure-cancel', 'shared-key');
    const { jobId } = expectOk(await run(publishImage, { imageId, accountId }, admin));
    const row = async () => (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    await until(async () => (await row()).phase === 'upload' && (await row()).bytesDone > 0, 60_000);
    expectOk(await run(cancelJob, { jobId }, admin));
    await getJobRunner().waitFor(jobId);
    expect((await row()).status).toBe('cancelled');
    const names: string[] = [];
    for await (const blob of azure.serviceClient().getContainerClient('vhds').listBlobsFlat()) names.push(blob.name);
    expect(names.filter((n) => n.startsWith('cancelled-upload'))).toEqual([]);
    expect(await firstRow(getDb().select().from(publications).where(eq(publications.imageId, imageId)))).toMatchObject({
      status: 'cancelled',
      remoteState: null,
    });
  });

  it('republishes as a new Glance image and removes the old; removal is refused where Glance protects the copy', async () => {
    const qcow2 = makeQcow2(path.join(work, 'republish.qcow2'), 16, 2);
    const imageId = await createStoreImage(admin, qcow2.file, { name: 'republished', diskFormat: 'qcow2' });
    const accountId = await glanceAccount('glance-protected', { protected: true });
    const first = await publish(imageId, accountId);
    expect(first.job.status, first.job.error ?? '').toBe('succeeded');
    expect(await glanceImage(first.publication.remoteId!)).toMatchObject({ protected: true });
    const refused = await run(removePublication, { publicationId: first.publication.id }, admin);
    expect(refused).toMatchObject({ ok: false, code: 'in_use', error: expect.stringMatching(/protected/i) });
    expect(await glanceImage(first.publication.remoteId!)).toMatchObject({ status: 'active' });

    const unprotected = await glanceAccount('glance-plain');
    const published = await publish(imageId, unprotected);
    const second = await publish(imageId, unprotected);
    expect(second.publication.remoteId).not.toBe(published.publication.remoteId);
    const ids = (await glanceImages()).map((i) => i.id);
    expect(ids).toContain(second.publication.remoteId);
    expect(ids).not.toContain(published.publication.remoteId);
    expectOk(await run(removePublication, { publicationId: second.publication.id }, admin));
    expect((await glanceImages()).map((i) => i.id)).not.toContain(second.publication.remoteId);
  });
});
