import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usesPostgres } from '@/lib/db/tables';
import { setRelayInstalls } from '@/lib/locations/operations';
import { uploadImageFile } from '@/lib/store/upload';
import { issueApiToken } from '@/lib/tokens/operations';
import { startS3Server, type S3Server } from '@/scripts/lib/services/s3-server';
import { SshNode } from '@/scripts/lib/sshd-node';
import { assertBuilt, queueInstallThrough, startBuiltPortal, type BuiltPortal } from '../support/built-portal';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUploadImage,
  expectOk,
  jobLog,
  jobRows,
  jobsDone,
  jobStarts,
  registerSshNode,
  run,
  sha256OfFile,
  until,
} from '../support/portal';
import { forgetS3Store, useS3Store } from '../support/store';
import { startWorker, type Worker } from '../support/workers';

// This process only sets things up and watches, as the operator would: the web processes queue, the workers run.
process.env.PORTAL_RUN_JOBS = 'false';

/**
 * The portal past one machine, all on one: two web processes that only queue and three workers, on
 * PostgreSQL, with the image store in S3 (s3rver). 60 installs pushed from the bucket to 12 real
 * sshd nodes each run exactly once, read off the nodes (each logs every sha256sum it runs, and an
 * install hashes its file once); the limits hold across every process; and a worker killed with
 * SIGKILL in the middle of a push loses its install once the lease expires, to a worker that
 * resumes it from the `.part`. Only the PostgreSQL lane of `npm test` runs it (vitest.config.ts).
 */
describe('two web processes and three workers, on PostgreSQL and an S3 store', () => {
  const MiB = 1024 * 1024;
  const LIMITS = { PORTAL_JOBS_MAX: '6', PORTAL_PROCESS_JOBS_MAX: '3', PORTAL_JOBS_MAX_PER_NODE: '1' };
  let s3: S3Server;
  let sshNodes: SshNode[];
  let nodeIds: string[];
  let portals: BuiltPortal[];
  const workers: Worker[] = [];
  let token: string;
  const images: { id: string; sha256: string }[] = [];

  beforeAll(async () => {
    if (!usesPostgres) throw new Error('This test runs on the PostgreSQL lane: npm run test:integration:pg.');
    assertBuilt();
    s3 = await startS3Server({ host: '127.0.0.230' });
    await s3.createBucket('scale');
    useS3Store(s3, 'scale', 'images');
    const admin = await createSuperAdmin();
    const dataCenterId = await createDataCenterAs(admin);
    // Every install goes to its node directly, so many run at once and the limits are put to the test.
    expectOk(await run(setRelayInstalls, { dataCenterId, relayInstalls: false }, admin));
    // 2 MiB/s each: a 4 MiB push takes two seconds, long enough to be caught running.
    sshNodes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        SshNode.start({ host: `127.0.0.${231 + i}`, countTools: ['sha256sum'], sftpRate: 2 * MiB }),
      ),
    );
    nodeIds = [];
    for (const node of sshNodes) nodeIds.push((await registerSshNode(admin, dataCenterId, node)).nodeId);
    for (let i = 0; i < 5; i++) {
      const data = crypto.randomBytes(4 * MiB + i);
      const id = await createUploadImage(admin, { name: `scale-${i}`, dcBoundId: dataCenterId });
      const uploaded = await uploadImageFile(admin, id, {
        body: new Blob([new Uint8Array(data)]).stream(),
        contentLength: data.length,
        contentType: 'application/octet-stream',
      });
      expect(uploaded.ok).toBe(true);
      images.push({ id, sha256: crypto.createHash('sha256').update(data).digest('hex') });
    }
    token = (await issueApiToken(admin.id, 'scale')).token;
    const web = { ...LIMITS, PORTAL_RUN_JOBS: 'false', PORTAL_JOBS_LEASE_S: '3' };
    portals = await Promise.all(['127.0.0.243', '127.0.0.244'].map((host) => startBuiltPortal(host, web)));
    for (let i = 0; i < 3; i++) workers.push(await startWorker(LIMITS));
  }, 240_000);
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all((portals ?? []).map((p) => p.stop()));
    await Promise.all((sshNodes ?? []).map((n) => n.stop()));
    await s3?.stop();
    forgetS3Store();
    delete process.env.PORTAL_RUN_JOBS;
  });

  const storeFileOf = (imageId: string) => `${imageId}.raw`;
  const hashesOf = (node: number, imageId: string) =>
    sshNodes[node]!.toolCalls().filter((call) => call.includes(`${storeFileOf(imageId)}.part`));

  it('runs 60 installs once each within the limits, and a worker killed mid-push loses its install to another', async () => {
    const queued: { jobId: string; imageId: string; node: number }[] = [];
    for (const [i, image] of images.entries())
      for (const [node, nodeId] of nodeIds.entries())
        queued.push({
          jobId: await queueInstallThrough(portals[(i + node) % 2]!, token, image.id, nodeId),
          imageId: image.id,
          node,
        });
    const ids = queued.map((q) => q.jobId);

    const most = { inAll: 0, onANode: 0, inAWorker: 0 };
    let victim: { worker: Worker; jobId: string; orphaned: string[] } | undefined;
    await until(async () => {
      // Running under a live lease: what the limits count. A killed worker's jobs stop counting when their leases end.
      const running = (await jobRows(ids)).filter((j) => j.status === 'running' && j.leaseUntil! > new Date());
      most.inAll = Math.max(most.inAll, running.length);
      for (const nodeId of nodeIds)
        most.onANode = Math.max(most.onANode, running.filter((j) => j.nodeId === nodeId).length);
      for (const worker of workers)
        most.inAWorker = Math.max(most.inAWorker, running.filter((j) => worker.owner.test(j.owner ?? '')).length);
      // Once, mid-push: the first worker caught between 1 and 2 MiB into an install dies.
      const caught =
        !victim && running.find((j) => j.phase === 'transfer' && j.bytesDone > MiB && j.bytesDone < 2 * MiB);
      const worker = caught && workers.find((w) => w.owner.test(caught.owner ?? ''));
      if (caught && worker) {
        worker.child.kill('SIGKILL');
        await worker.exited;
        const orphaned = running.filter((j) => worker.owner.test(j.owner ?? '')).map((j) => j.id);
        victim = { worker, jobId: caught.id, orphaned };
      }
      return await jobsDone(ids);
    }, 300_000);

    expect(victim).toBeDefined();
    expect(most.inAll).toBe(6);
    expect(most.onANode).toBe(1);
    expect(most.inAWorker).toBeLessThanOrEqual(3);
    for (const { jobId, imageId, node } of queued) {
      const [job] = await jobRows([jobId]);
      expect(job).toMatchObject({ status: 'succeeded', error: null });
      const image = images.find((i) => i.id === imageId)!;
      expect(sha256OfFile(path.join(sshNodes[node]!.imageDir, storeFileOf(imageId)))).toBe(image.sha256);
      expect(fs.existsSync(path.join(sshNodes[node]!.imageDir, `${storeFileOf(imageId)}.part`))).toBe(false);
      if (victim!.orphaned.includes(jobId)) {
        // The killed attempt may have hashed its file on the node before it died; the survivor hashes it once more.
        expect(job!.attempt).toBe(2);
        expect(hashesOf(node, imageId).length).toBeLessThanOrEqual(2);
      } else {
        expect(job!.attempt).toBe(1);
        expect(hashesOf(node, imageId)).toHaveLength(1);
      }
    }

    // The install killed mid-push never got to hash: the survivor resumed it and hashed it once.
    const caught = queued.find((q) => q.jobId === victim!.jobId)!;
    expect(hashesOf(caught.node, caught.imageId)).toHaveLength(1);
    const log = await jobLog(victim!.jobId);
    expect(log).toContain('Interrupted: the portal process running this job stopped (its lease expired).');
    expect(log.some((m) => m.startsWith('Resuming: '))).toBe(true);
    const [first, second, ...more] = await jobStarts(victim!.jobId);
    expect(first).toMatch(victim!.worker.owner);
    expect(second).toMatch(/^Started \(attempt 2 of \d+\) in /);
    expect(second).not.toMatch(victim!.worker.owner);
    expect(more).toEqual([]);
  }, 360_000);
});
