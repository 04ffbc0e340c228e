import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, firstRow } from '@/lib/db/client';
import { images, jobs, nodeImages, nodes } from '@/lib/db/tables';
import { enqueueInstall } from '@/lib/install/enqueue';
import { jobOwnerId } from '@/lib/jobs/owner';
import { getJobRunner } from '@/lib/jobs/runner';
import { startPortal } from '@/lib/startup';
import { SshNode } from '@/scripts/lib/sshd-node';
import { startChildPortal } from '../support/child-portal';
import { startMirroredNode, type MirroredNode } from '../support/mirrored-node';
import { createStoreImage, createUrlImage, jobLog, registerSshNode, until } from '../support/portal';

const MiB = 1024 * 1024;
const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A `kill -9` of the portal at any point of an install loses no work: another process (here, this
 * test's own, started as the restarted portal) takes the job over once its lease has expired and
 * continues from what is on the node.
 */
describe('an install survives kill -9 of the portal running it', async () => {
  let world: MirroredNode;
  beforeAll(async () => {
    world = await startMirroredNode({ host: '127.0.0.172', imageName: 'committed.qcow2' });
  });
  afterAll(() => world.stop());

  const job = async (id: string) => (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, id))))!;
  /** Queues an install without waking this process's runner, so the child portal takes it. */
  const queueInstall = async (imageId: string, nodeId: string) => {
    const image = (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!;
    const node = (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!;
    return getDb().transaction(async (tx) => await enqueueInstall(tx, image, node, world.admin.id));
  };
  const waitForEnd = async (jobId: string) => {
    await until(async () => !['queued', 'running'].includes((await job(jobId)).status), 90_000);
    await getJobRunner().waitForIdle();
  };

  it('after commit and before the record: the committed file is hashed, not sent again', async () => {
    const { node, mirror, image: qcow2, admin, nodeId } = world;
    const imageId = await createUrlImage(admin, {
      name: 'crash-after-commit',
      sourceUrl: mirror.url('committed.qcow2'),
      sha256: qcow2.sha256,
    });
    const jobId = await queueInstall(imageId, nodeId);
    const file = path.join(node.imageDir, `${imageId}.qcow2`);

    const child = startChildPortal({ PORTAL_FAULT_POINT: 'install:after-commit' });
    await child.exitWithin(60_000);
    // It died right after the rename: the file and its sidecar are in place, nothing is recorded.
    expect(sha256Of(file)).toBe(qcow2.sha256);
    expect(fs.existsSync(`${file}.manifest.json`)).toBe(true);
    expect(await job(jobId)).toMatchObject({ status: 'running', attempt: 1 });
    expect(await firstRow(getDb().select().from(nodeImages).where(eq(nodeImages.imageId, imageId)))).toMatchObject({
      state: 'installing',
    });

    await startPortal(); // this process is the restarted portal
    await waitForEnd(jobId);

    expect(await job(jobId)).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    expect(await jobLog(jobId)).toContain(
      `${file} was committed by an earlier attempt (${(qcow2.sizeBytes / MiB).toFixed(2)} MiB); the node hashes it instead of receiving it again.`,
    );
    // One download in all: the second attempt sent nothing.
    expect(mirror.requests.filter((r) => r.startsWith('GET'))).toHaveLength(1);
    expect((await job(jobId)).bytesTransferred).toBeLessThanOrEqual(qcow2.sizeBytes);
    expect(await firstRow(getDb().select().from(nodeImages).where(eq(nodeImages.imageId, imageId)))).toMatchObject({
      state: 'installed',
      available: true,
      path: file,
      verifiedSha256: qcow2.sha256,
      verifiedSizeBytes: qcow2.sizeBytes,
    });
    expect(sha256Of(file)).toBe(qcow2.sha256);
  });

  it('in the middle of a push: the next attempt resumes from the bytes on the node', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-crash-push-'));
    const source = path.join(scratch, 'random.raw');
    fs.writeFileSync(source, crypto.randomBytes(12 * MiB));
    // 2 MiB/s: the push takes about 6 s, long enough to kill it in the middle.
    const slow = await SshNode.start({ host: '127.0.0.173', sftpRate: 2 * MiB });
    try {
      const dataCenterId = (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, world.nodeId))))!
        .dataCenterId;
      const { nodeId } = await registerSshNode(world.admin, dataCenterId, slow);
      const imageId = await createStoreImage(world.admin, source, { name: 'crash-mid-push' });
      getJobRunner().stop(); // this process plays the restarted portal again, so the child must take the job
      const jobId = await queueInstall(imageId, nodeId);
      const part = path.join(slow.imageDir, `${imageId}.raw.part`);

      const child = startChildPortal();
      await until(() => fs.existsSync(part) && fs.statSync(part).size > 3 * MiB, 60_000);
      await child.kill9();
      const kept = fs.statSync(part).size;
      expect(await job(jobId)).toMatchObject({ status: 'running', attempt: 1 });
      expect((await job(jobId)).owner).not.toBe(jobOwnerId());

      await startPortal();
      await waitForEnd(jobId);

      expect(await job(jobId)).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
      expect(sha256Of(path.join(slow.imageDir, `${imageId}.raw`))).toBe(sha256Of(source));
      const resumedAt = Number(
        /^Resuming: ([\d.]+) MiB of 12\.0 MiB/.exec(
          (await jobLog(jobId)).find((m) => m.startsWith('Resuming:')) ?? '',
        )?.[1],
      );
      expect(resumedAt).toBeGreaterThanOrEqual(kept / MiB - 0.01); // the log rounds to 0.01 MiB
      // Only the second attempt's bytes are counted (the first was killed before it could count): the rest of the file.
      expect((await job(jobId)).bytesTransferred).toBeLessThanOrEqual(12 * MiB - resumedAt * MiB + 0.02 * MiB);
    } finally {
      await slow.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
