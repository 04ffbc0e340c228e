import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db/client';
import { images, jobEvents, jobs, nodes } from '@/lib/db/schema';
import { enqueueInstall } from '@/lib/install/enqueue';
import { getJobRunner } from '@/lib/jobs/runner';
import { startPortal } from '@/lib/startup';
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
      sourceUrl: `${mirror.url('restart.qcow2')}?rate=${2 * 1024 * 1024}`,
      sha256: qcow2.sha256,
    });
    // Queued without waking this process's runner: the first portal process must take it.
    const db = getDb();
    const image = db.select().from(images).where(eq(images.id, imageId)).get()!;
    const nodeRow = db.select().from(nodes).where(eq(nodes.id, nodeId)).get()!;
    const jobId = db.transaction((tx) => enqueueInstall(tx, image, nodeRow, admin.id));

    const first = spawn('npx', ['tsx', '--conditions=react-server', 'test/support/portal-process.ts'], {
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true, // its own process group, so the kill below reaches node under npx too
    });
    const part = path.join(node.imageDir, 'restart.qcow2.part');
    await until(() => fs.existsSync(part) && fs.statSync(part).size > qcow2.sizeBytes / 4, 60_000);
    process.kill(-first.pid!, 'SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const job = () => db.select().from(jobs).where(eq(jobs.id, jobId)).get()!;
    expect(job()).toMatchObject({ status: 'running', attempt: 1 });

    await startPortal(); // this process is the restarted portal
    await until(() => job().status !== 'queued' && job().status !== 'running', 60_000);
    await getJobRunner().waitForIdle();

    expect(job()).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    expect(sha256Of(path.join(node.imageDir, 'restart.qcow2'))).toBe(qcow2.sha256);
    expect(fs.existsSync(part)).toBe(false);
    const log = db.select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).all().map((e) => e.message);
    expect(log).toContain('Interrupted: the portal stopped while this job ran.');
    expect(log).toContain('Queued again to resume after the portal restart.');
    expect(log.some((m) => m.startsWith('Resuming:'))).toBe(true);
    // Ran once per process: one start before the kill, one after, and the second did not start over.
    expect(log.filter((m) => m.startsWith('Started (attempt'))).toEqual(['Started (attempt 1 of 3).', 'Started (attempt 2 of 3).']);
    const gets = mirror.requests.filter((r) => r.startsWith('GET'));
    expect(gets).toHaveLength(2);
    expect(Number(/range=bytes=(\d+)-$/.exec(gets[1]!)?.[1])).toBeGreaterThan(qcow2.sizeBytes / 4);
    expect(job().bytesTransferred).toBeLessThan(qcow2.sizeBytes * 1.05);
  });
});
