import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, firstRow } from '@/lib/db/client';
import { images, jobEvents, jobs, nodes } from '@/lib/db/tables';
import { enqueueInstall } from '@/lib/install/enqueue';
import { jobOwnerId } from '@/lib/jobs/owner';
import { getJobRunner } from '@/lib/jobs/runner';
import { startPortal } from '@/lib/startup';
import { startChildPortal } from '../support/child-portal';
import { startMirroredNode, type MirroredNode } from '../support/mirrored-node';
import { createUrlImage, until } from '../support/portal';

const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('a portal restart in the middle of an install', () => {
  let world: MirroredNode;
  beforeAll(async () => {
    world = await startMirroredNode({ host: '127.0.0.26', imageName: 'restart.qcow2' });
  });
  afterAll(() => world.stop());

  it('resumes the interrupted job at start-up and completes it once, from the bytes already on the node', async () => {
    const { node, mirror, image: qcow2, admin, nodeId } = world;
    const imageId = await createUrlImage(admin, {
      name: 'restart',
      // Slow enough that the node's download is still under way when the lease of the killed process expires.
      sourceUrl: `${mirror.url('restart.qcow2')}?rate=${512 * 1024}`,
      sha256: qcow2.sha256,
    });
    // Queued without waking this process's runner: the first portal process must take it.
    const db = getDb();
    const image = (await firstRow(db.select().from(images).where(eq(images.id, imageId))))!;
    const nodeRow = (await firstRow(db.select().from(nodes).where(eq(nodes.id, nodeId))))!;
    const jobId = await db.transaction(async (tx) => await enqueueInstall(tx, image, nodeRow, admin.id));

    const first = startChildPortal();
    const part = path.join(node.imageDir, `${imageId}.qcow2.part`);
    await until(() => fs.existsSync(part) && fs.statSync(part).size > qcow2.sizeBytes / 4, 60_000);
    await first.kill9();
    const job = async () => (await firstRow(db.select().from(jobs).where(eq(jobs.id, jobId))))!;
    expect(await job()).toMatchObject({ status: 'running', attempt: 1 });

    await startPortal(); // this process is the restarted portal
    await until(async () => (await job()).status !== 'queued' && (await job()).status !== 'running', 60_000);
    await getJobRunner().waitForIdle();

    expect(await job()).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    expect(sha256Of(path.join(node.imageDir, `${imageId}.qcow2`))).toBe(qcow2.sha256);
    expect(fs.existsSync(part)).toBe(false);
    const log = (await db.select().from(jobEvents).where(eq(jobEvents.jobId, jobId))).map((e) => e.message);
    expect(log).toContain('Interrupted: the portal process running this job stopped (its lease expired).');
    expect(log).toContain('Queued again to resume where it stopped.');
    expect(log.some((m) => m.startsWith('Resuming:'))).toBe(true);
    // Ran once per process: one start before the kill, one after, and the second did not start over.
    const starts = log.filter((m) => m.startsWith('Started (attempt'));
    expect(starts).toEqual([
      expect.stringMatching(/^Started \(attempt 1 of 3\) in .+:\d+:[0-9a-f]+\.$/),
      `Started (attempt 2 of 3) in ${jobOwnerId()}.`,
    ]);
    expect(starts[0]).not.toContain(jobOwnerId());
    const gets = mirror.requests.filter((r) => r.startsWith('GET'));
    expect(gets).toHaveLength(2);
    expect(Number(/range=bytes=(\d+)-$/.exec(gets[1]!)?.[1])).toBeGreaterThan(qcow2.sizeBytes / 4);
    expect((await job()).bytesTransferred).toBeLessThan(qcow2.sizeBytes * 1.05);
  });
});
