import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { jobs, nodeImages } from '@/lib/db/tables';
import { installImage } from '@/lib/install/operations';
import { cancelJob, pauseJob, resumeJob } from '@/lib/jobs/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { makeQcow2 } from '@/scripts/lib/fixture-image';
import { SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createStoreImage,
  createSuperAdmin,
  expectOk,
  installAndWait,
  jobLog,
  registerSshNode,
  run,
  until,
} from '../support/portal';

const MiB = 1024 * 1024;
const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('push mode: the portal streams its stored image to a real sshd node over SFTP', async () => {
  let node: SshNode;
  let admin: UserContext;
  let nodeId: string;
  let scratch: string;
  let randomFile: string;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-push-'));
    randomFile = path.join(scratch, 'random.raw');
    fs.writeFileSync(randomFile, crypto.randomBytes(12 * MiB));
    // 4 MiB/s: a 12 MiB push takes about 3 s, long enough to cut, pause or cancel in the middle.
    node = await SshNode.start({ host: '127.0.0.31', sftpRate: 4 * MiB });
    admin = await createSuperAdmin();
    ({ nodeId } = await registerSshNode(admin, await createDataCenterAs(admin), node));
  });
  afterAll(async () => {
    await node.stop();
  });

  const job = async (id: string) => (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, id))))!;
  // Files on the node are named by the image's id.
  const onNode = (imageId: string, suffix = '') => path.join(node.imageDir, `${imageId}.raw${suffix}`);
  const startInstall = async (imageId: string) => expectOk(await run(installImage, { imageId, nodeId }, admin)).jobId;
  const waitUntilHalfway = async (file: string) =>
    await until(() => fs.existsSync(file) && fs.statSync(file).size > 3 * MiB);

  it('installs: the bytes on the node are the stored file, verified on both sides, with the format checked', async () => {
    const imageId = await createStoreImage(admin, randomFile, { name: 'pushed' });
    const done = await installAndWait(admin, imageId, nodeId);

    expect(done).toMatchObject({
      status: 'succeeded',
      error: null,
      params: { mode: 'push' },
      bytesTransferred: 12 * MiB,
    });
    expect(sha256Of(onNode(imageId))).toBe(sha256Of(randomFile));
    expect(fs.readdirSync(node.imageDir).sort()).toEqual([`${imageId}.raw`, `${imageId}.raw.manifest.json`]);
    expect(await jobLog(done.id)).toEqual(
      expect.arrayContaining([
        `Checksum verified: sha256 ${sha256Of(randomFile)}.`,
        'Format verified: raw (qemu-img info).',
      ]),
    );
  });

  it('resumes after the connection drops mid-transfer, sending little more than the file', async () => {
    const imageId = await createStoreImage(admin, randomFile, { name: 'dropped' });
    const jobId = await startInstall(imageId);
    await waitUntilHalfway(onNode(imageId, '.part'));
    node.dropConnections();
    await getJobRunner().waitFor(jobId);

    expect(await job(jobId)).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(sha256Of(onNode(imageId))).toBe(sha256Of(randomFile));
    expect((await jobLog(jobId)).some((m) => m.startsWith('Resuming:'))).toBe(true);
    // Only what was in flight when the link dropped is sent twice.
    expect((await job(jobId)).bytesTransferred).toBeLessThan(12 * MiB * 1.1);
  });

  it('cancel mid-transfer stops it, leaves no .part on the node, and forgets the node image', async () => {
    const imageId = await createStoreImage(admin, randomFile, { name: 'cancelled' });
    const jobId = await startInstall(imageId);
    await waitUntilHalfway(onNode(imageId, '.part'));
    expect(expectOk(await run(cancelJob, { jobId }, admin))).toEqual({ jobId, status: 'cancelling' });
    await getJobRunner().waitFor(jobId);

    expect(await job(jobId)).toMatchObject({ status: 'cancelled', controlRequest: null });
    expect(fs.readdirSync(node.imageDir).filter((f) => f.startsWith(imageId))).toEqual([]);
    expect(await getDb().select().from(nodeImages).where(eq(nodeImages.imageId, imageId))).toEqual([]);
  });

  it('pause keeps the .part; resume continues from it; a paused job can also be cancelled', async () => {
    const imageId = await createStoreImage(admin, randomFile, { name: 'paused' });
    const jobId = await startInstall(imageId);
    const part = onNode(imageId, '.part');
    await waitUntilHalfway(part);
    expect(expectOk(await run(pauseJob, { jobId }, admin)).status).toBe('pausing');
    await until(async () => (await job(jobId)).status === 'paused');
    const firstStart = (await job(jobId)).startedAt;
    expect(firstStart).toBeInstanceOf(Date);
    const kept = fs.statSync(part).size;
    expect(kept).toBeGreaterThan(3 * MiB);
    // A second install of the same image on the same node must wait for the paused one.
    expect(await run(installImage, { imageId, nodeId }, admin)).toMatchObject({ ok: false, code: 'conflict' });

    expectOk(await run(resumeJob, { jobId }, admin));
    await getJobRunner().waitFor(jobId);
    // The pause used up no attempt, the job kept its first start, and its log shows the resume.
    expect(await job(jobId)).toMatchObject({ status: 'succeeded', attempt: 1, startedAt: firstStart });
    expect(await jobLog(jobId)).toContain('Resumed on request.');
    // Writes already in flight when it paused may still land, so the resume starts at or after `kept`.
    const resumedAt = Number(
      /^Resuming: ([\d.]+) MiB of 12\.0 MiB/.exec(
        (await jobLog(jobId)).find((m) => m.startsWith('Resuming:')) ?? '',
      )?.[1],
    );
    expect(resumedAt).toBeGreaterThanOrEqual(kept / MiB - 0.01); // the log rounds to 0.01 MiB
    expect(sha256Of(onNode(imageId))).toBe(sha256Of(randomFile));

    const second = await createStoreImage(admin, randomFile, { name: 'paused-then-cancelled' });
    const secondJob = await startInstall(second);
    await waitUntilHalfway(onNode(second, '.part'));
    expectOk(await run(pauseJob, { jobId: secondJob }, admin));
    await until(async () => (await job(secondJob)).status === 'paused');
    expect(expectOk(await run(cancelJob, { jobId: secondJob }, admin)).status).toBe('cancelling');
    await getJobRunner().waitFor(secondJob);
    expect((await job(secondJob)).status).toBe('cancelled');
    expect(fs.readdirSync(node.imageDir).filter((f) => f.startsWith(second))).toEqual([]);
  });

  it('refuses to commit a file whose format is not the image’s disk format', async () => {
    const qcow2 = makeQcow2(path.join(scratch, 'real.qcow2'), 16, 2);
    const imageId = await createStoreImage(admin, qcow2.file, { name: 'says-raw' }); // diskFormat raw, file is qcow2
    const done = await installAndWait(admin, imageId, nodeId);

    expect(done.status).toBe('failed');
    expect(done.error).toBe('Format mismatch: the image says raw, but the file is qcow2. The file was not installed.');
    expect(fs.readdirSync(node.imageDir).filter((f) => f.startsWith(imageId))).toEqual([]);
  });
});
