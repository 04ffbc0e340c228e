import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { createCloudAccount } from '@/lib/clouds/operations';
import { getConfig } from '@/lib/config';
import { firstRow, getDb } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { respondImageFile } from '@/lib/imgapi/serve/file-response';
import { installImage } from '@/lib/install/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { purgeImage } from '@/lib/images/purge';
import { publishImage } from '@/lib/publish/operations';
import { createRepository, refreshRepository } from '@/lib/repositories/operations';
import { imageStore, removeAbandonedTempFiles } from '@/lib/store/image-store';
import { uploadTempName } from '@/lib/store/names';
import { reserveStoreSpace } from '@/lib/store/reservations';
import { forgetStoreFileHashed } from '@/lib/store/trusted-hashes';
import { uploadImageFile } from '@/lib/store/upload';
import { startS3Server, type S3Server } from '@/scripts/lib/services/s3-server';
import { SshNode } from '@/scripts/lib/sshd-node';
import { startUpstreamPortal, type UpstreamPortal } from '@/scripts/lib/upstream-portal';
import { hash, importAndWait } from '../support/imports';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUploadImage,
  expectOk,
  installAndWait,
  jobLog,
  jobRows,
  registerSshNode,
  run,
  sha256OfFile,
  until,
} from '../support/portal';
import { forgetS3Store, useS3Store } from '../support/store';

/**
 * PORTAL_STORE=s3://bucket/prefix against a real S3-compatible server (s3rver): uploads and imports
 * go straight into the bucket as multipart uploads, installs push from it to a real sshd node,
 * IMGAPI serves from it, purges delete from it, and nothing on the way is ever readable under an
 * image's key unless it is whole, verified and self-contained. Nothing is written to the local
 * store.
 */
describe('an image store in S3-compatible object storage', () => {
  const BUCKET = 'portal-images';
  const PREFIX = 'store/';
  const MiB = 1024 * 1024;
  let s3: S3Server;
  let client: S3Client;
  let node: SshNode;
  let upstream: UpstreamPortal;
  let admin: UserContext;
  let dataCenterId: string;
  let nodeId: string;
  let slowNode: SshNode;
  let slowNodeId: string;
  let counter = 0;
  const upstreamDisk = {
    file: path.join(process.env.TMPDIR!, 's3-store-import.raw'),
    data: crypto.randomBytes(5 * MiB + 99),
  };

  beforeAll(async () => {
    // The upstream portal has a store of its own, on its own disk: it starts before this one's is set.
    fs.writeFileSync(upstreamDisk.file, upstreamDisk.data);
    upstream = await startUpstreamPortal('127.0.0.227', [
      {
        file: upstreamDisk.file,
        name: 'upstream',
        version: '1',
        osType: 'linux',
        category: 'Linux',
        diskFormat: 'raw',
      },
    ]);
    s3 = await startS3Server({ host: '127.0.0.225' });
    await s3.createBucket(BUCKET);
    useS3Store(s3, BUCKET, PREFIX);
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    node = await SshNode.start({ host: '127.0.0.226' });
    ({ nodeId } = await registerSshNode(admin, dataCenterId, node));
    // 4 MiB/s: a 12 MiB push takes about 3 s, long enough to cut in the middle.
    slowNode = await SshNode.start({ host: '127.0.0.228', sftpRate: 4 * MiB });
    ({ nodeId: slowNodeId } = await registerSshNode(admin, dataCenterId, slowNode));
  }, 120_000);
  afterAll(async () => {
    forgetS3Store();
    client?.destroy();
    await upstream?.stop();
    await node?.stop();
    await slowNode?.stop();
    await s3?.stop();
  });

  const objectBytes = async (storeFile: string): Promise<Buffer> => {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${storeFile}` }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };
  const objectExists = async (storeFile: string) =>
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${storeFile}` })).then(
      () => true,
      () => false,
    );
  const unfinishedUploads = async () =>
    (await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [];
  const row = async (imageId: string) => (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!;
  /** Nothing of the store on this host: no local store directory, an empty scratch directory. */
  const localFiles = () =>
    [path.join(getConfig().dataDir, 'images'), getConfig().scratchDir].flatMap((dir) =>
      fs.existsSync(dir) ? fs.readdirSync(dir) : [],
    );

  async function uploadImage(data: Buffer, fields: Record<string, unknown> = {}) {
    const imageId = await createUploadImage(admin, { name: `s3-store-${++counter}`, ...fields });
    const outcome = await uploadImageFile(admin, imageId, {
      body: new Blob([new Uint8Array(data)]).stream(),
      contentLength: data.length,
      contentType: 'application/octet-stream',
    });
    return { imageId, outcome };
  }

  it('takes an upload straight into the bucket as a multipart upload, verified, with nothing on this host', async () => {
    const data = crypto.randomBytes(20 * MiB + 321);
    const { imageId, outcome } = await uploadImage(data);
    expect(outcome).toMatchObject({ ok: true, sha256: hash('sha256', data), sizeBytes: data.length });

    const image = await row(imageId);
    expect(image).toMatchObject({ status: 'ok', sha1: hash('sha1', data), md5: hash('md5', data) });
    expect((await objectBytes(image.storeFile!)).equals(data)).toBe(true);
    const parts = (await s3.requests()).filter((r) => r.method === 'PUT' && r.query.partNumber !== undefined);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(await unfinishedUploads()).toEqual([]);
    expect(localFiles()).toEqual([]);
  });

  it('installs by pushing from the bucket to the node, and the file on the node is the image', async () => {
    const data = crypto.randomBytes(9 * MiB + 7);
    const { imageId } = await uploadImage(data, { dcBoundId: dataCenterId });
    const job = await installAndWait(admin, imageId, nodeId);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(sha256OfFile(path.join(node.imageDir, (await row(imageId)).storeFile!))).toBe(hash('sha256', data));
  });

  it('resumes a push cut off mid-transfer from the .part, reading the bucket from where the node stopped', async () => {
    const data = crypto.randomBytes(12 * MiB);
    const { imageId } = await uploadImage(data, { dcBoundId: dataCenterId });
    // Hashed again on the way: the bytes already on the node are read from the bucket too.
    await forgetStoreFileHashed(imageId);
    const storeFile = (await row(imageId)).storeFile!;
    const jobId = expectOk(await run(installImage, { imageId, nodeId: slowNodeId }, admin)).jobId;
    const part = path.join(slowNode.imageDir, `${storeFile}.part`);
    await until(() => fs.existsSync(part) && fs.statSync(part).size > 3 * MiB);
    slowNode.dropConnections();
    await getJobRunner().waitFor(jobId);

    const [job] = await jobRows([jobId]);
    expect(job).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    expect(sha256OfFile(path.join(slowNode.imageDir, storeFile))).toBe(hash('sha256', data));
    expect((await jobLog(jobId)).some((m) => m.startsWith('Resuming:'))).toBe(true);
    // Only what was in flight when the link dropped is sent twice.
    expect(job!.bytesTransferred).toBeLessThan(12 * MiB * 1.1);
  });

  it('serves the file over IMGAPI from the bucket, whole and by byte range', async () => {
    const data = crypto.randomBytes(3 * MiB + 5);
    const { imageId } = await uploadImage(data);
    const url = `http://portal.test/images/${imageId}/file`;
    const whole = await respondImageFile(new Request(url), imageId);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
    const range = await respondImageFile(new Request(url, { headers: { range: 'bytes=1048570-2097160' } }), imageId);
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(data.subarray(1048570, 2097161))).toBe(true);
  });

  it('refuses a file whose checksum differs, or that names a backing file, leaving no object and no upload', async () => {
    const data = crypto.randomBytes(MiB);
    const wrong = await uploadImage(data, { sha256: hash('sha256', Buffer.from('something else')) });
    expect(wrong.outcome).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/Checksum mismatch/) });

    const backed = path.join(process.env.TMPDIR!, 's3-store-backed.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', backed], {
      stdio: 'pipe',
    });
    const unsafe = await uploadImage(fs.readFileSync(backed), { diskFormat: 'qcow2' });
    expect(unsafe.outcome).toMatchObject({ ok: false, error: expect.stringMatching(/backing file/) });

    for (const { imageId } of [wrong, unsafe]) {
      expect(await row(imageId)).toMatchObject({ status: 'pending', storeFile: null });
      expect(await objectExists(`${imageId}.raw`)).toBe(false);
      expect(await objectExists(`${imageId}.qcow2`)).toBe(false);
    }
    expect(await unfinishedUploads()).toEqual([]);
    expect(localFiles()).toEqual([]);
  });

  it('imports from a repository straight into the bucket', async () => {
    const disk = upstreamDisk.data;
    const { id: repositoryId } = expectOk(await run(createRepository, { name: 'up', url: upstream.url }, admin));
    expectOk(await run(refreshRepository, { repositoryId }, admin));
    const job = await importAndWait(admin, { repositoryId, uuid: upstream.images[0]!.id, dataCenterId });
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    const image = await row(upstream.images[0]!.id);
    expect(image).toMatchObject({ status: 'ok', sha1: hash('sha1', disk), sha256: hash('sha256', disk) });
    expect((await objectBytes(image.storeFile!)).equals(disk)).toBe(true);
    expect(localFiles()).toEqual([]);
  });

  it('publishes to a cloud from a copy on this host, removed once the publish is done', async () => {
    const data = crypto.randomBytes(6 * MiB + 3);
    const { imageId } = await uploadImage(data, { name: 'from-s3-store', version: '1.0' });
    const accountId = expectOk(
      await run(
        createCloudAccount,
        {
          name: 'golden-images',
          kind: 's3',
          endpoint: s3.endpoint,
          region: s3.region,
          bucket: BUCKET,
          prefix: 'published/',
          forcePathStyle: true,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
        },
        admin,
      ),
    ).id;
    const { jobId } = expectOk(await run(publishImage, { imageId, accountId }, admin));
    await getJobRunner().waitFor(jobId);
    const [job] = await jobRows([jobId]);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    const published = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'published/from-s3-store-1.0.raw' }),
    );
    expect(hash('sha256', Buffer.from(await published.Body!.transformToByteArray()))).toBe(hash('sha256', data));
    expect(localFiles()).toEqual([]);
  });

  it('deletes the object when the image is purged', async () => {
    const { imageId } = await uploadImage(crypto.randomBytes(MiB));
    const { name, storeFile } = await row(imageId);
    expect(await objectExists(storeFile!)).toBe(true);
    expectOk(await run(purgeImage, { imageId, confirmName: name }, admin));
    await until(async () => !(await objectExists(storeFile!)));
    expect(await firstRow(getDb().select().from(images).where(eq(images.id, imageId)))).toBeUndefined();
  });

  it('gives a tool that needs a path a copy on this host, and takes it back', async () => {
    const data = crypto.randomBytes(2 * MiB + 1);
    const { imageId } = await uploadImage(data);
    const copy = await imageStore().localFile((await row(imageId)).storeFile!, uploadTempName('copy-test'));
    expect(fs.readFileSync(copy.path).equals(data)).toBe(true);
    await copy.release();
    expect(fs.existsSync(copy.path)).toBe(false);
    expect(localFiles()).toEqual([]);
  });

  it('at start-up, aborts the multipart uploads no live process holds, and leaves a held one', async () => {
    const [abandoned, held] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of [abandoned, held]) {
      await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${PREFIX}${id}.raw` }));
    }
    const reservation = await reserveStoreSpace(uploadTempName(held), 0, 'a held upload');
    try {
      expect(await removeAbandonedTempFiles()).toBe(1);
      expect((await unfinishedUploads()).map((u) => u.Key)).toEqual([`${PREFIX}${held}.raw`]);
    } finally {
      await reservation.release();
    }
    expect(await removeAbandonedTempFiles()).toBe(1);
    expect(await unfinishedUploads()).toEqual([]);
  });
});
