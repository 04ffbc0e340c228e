import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installImage } from '@/lib/install/operations';
import { listLiveRunners } from '@/lib/jobs/runners';
import { setRelayInstalls } from '@/lib/locations/operations';
import { makeQcow2, type FixtureImage } from '@/scripts/lib/fixture-image';
import { startMirror, type Mirror } from '@/scripts/lib/mirror';
import { SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
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
import { startWorker, type Worker } from '../support/workers';

// This process only queues, as a web process with PORTAL_RUN_JOBS=false does: workers run the jobs.
process.env.PORTAL_RUN_JOBS = 'false';

/**
 * `npm run worker` processes beside a web process that only queues (this test): every job runs
 * exactly once, in a worker; the limits hold across workers; a worker bound to a data center runs
 * that data center's jobs and the others leave them to it; a worker stopped with SIGTERM hands its
 * job back at once, and one killed with SIGKILL loses it once its lease expires; either way another
 * worker resumes it from the `.part` on the node. "Exactly once" is read off the nodes themselves:
 * each node logs every sha256sum it runs, and an install hashes its file once, before commit.
 */
describe('job workers', async () => {
  const MiB = 1024 * 1024;
  let mirror: Mirror;
  let fixture: FixtureImage;
  let sshNodes: SshNode[];
  let nodeIds: string[];
  let admin: Awaited<ReturnType<typeof createSuperAdmin>>;
  const workers: Worker[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR!, 'cbp-workers-mirror-'));
    fixture = makeQcow2(path.join(dir, 'shared.qcow2'), 32, 2);
    mirror = await startMirror(dir);
    admin = await createSuperAdmin();
    // Three nodes in one data center, one in a data center with a worker of its own.
    const central = await createDataCenterAs(admin, 'central');
    const edge = await createDataCenterAs(admin, 'edge');
    sshNodes = await Promise.all(
      ['127.0.0.215', '127.0.0.216', '127.0.0.217', '127.0.0.218'].map((host) =>
        SshNode.start({ host, countTools: ['sha256sum'] }),
      ),
    );
    nodeIds = [];
    for (const [i, node] of sshNodes.entries())
      nodeIds.push((await registerSshNode(admin, i < 3 ? central : edge, node)).nodeId);
    // Every install goes to its node directly, so several run at once and the limits are put to the test.
    for (const dataCenterId of [central, edge])
      expectOk(await run(setRelayInstalls, { dataCenterId, relayInstalls: false }, admin));
  }, 120_000);
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all((sshNodes ?? []).map((n) => n.stop()));
    await mirror?.close();
    delete process.env.PORTAL_RUN_JOBS;
  });

  const createImage = async (name: string, rate: number) =>
    await createUrlImage(admin, {
      name,
      sourceUrl: `${mirror.url('shared.qcow2')}?rate=${rate}`,
      sha256: fixture.sha256,
    });
  const install = async (imageId: string, node: number) => {
    const { jobId } = expectOk(await run(installImage, { imageId, nodeId: nodeIds[node]! }, admin));
    return { jobId, imageId, node };
  };
  const hashesOf = (node: number, imageId: string) =>
    sshNodes[node]!.toolCalls().filter((call) => call.includes(`${imageId}.qcow2.part`));
  const installedRight = (imageId: string, node: number) =>
    sha256OfFile(path.join(sshNodes[node]!.imageDir, `${imageId}.qcow2`)) === fixture.sha256;

  it('runs 12 installs once each in the workers, within the limits, and a bound worker runs its data center', async () => {
    // In all 2 at once (PORTAL_JOBS_MAX), 2 per worker, 1 per node: without the count shared across
    // workers, the unbound one would run 2 on the central nodes while the edge one runs its node's.
    const limits = { PORTAL_JOBS_MAX: '2', PORTAL_PROCESS_JOBS_MAX: '2', PORTAL_JOBS_MAX_PER_NODE: '1' };
    const anyDc = await startWorker(limits);
    const edgeOnly = await startWorker({ ...limits, PORTAL_WORKER_DATA_CENTERS: 'edge' });
    workers.push(anyDc, edgeOnly);

    const imageIds = await Promise.all([1, 2, 3].map((i) => createImage(`worker-${i}`, 4 * MiB)));
    const queued = [];
    for (const imageId of imageIds) for (const node of [0, 1, 2, 3]) queued.push(await install(imageId, node));
    const ids = queued.map((q) => q.jobId);

    let mostInAll = 0;
    let mostOnANode = 0;
    let mostInAWorker = 0;
    await until(async () => {
      const running = (await jobRows(ids)).filter((j) => j.status === 'running');
      mostInAll = Math.max(mostInAll, running.length);
      for (const nodeId of nodeIds)
        mostOnANode = Math.max(mostOnANode, running.filter((j) => j.nodeId === nodeId).length);
      for (const worker of [anyDc, edgeOnly])
        mostInAWorker = Math.max(mostInAWorker, running.filter((j) => worker.owner.test(j.owner ?? '')).length);
      return await jobsDone(ids);
    }, 150_000);
    expect(mostInAll).toBe(2);
    expect(mostOnANode).toBe(1);
    expect(mostInAWorker).toBe(2);

    for (const { jobId, imageId, node } of queued) {
      expect((await jobRows([jobId]))[0]).toMatchObject({ status: 'succeeded', attempt: 1, error: null });
      const [start, ...more] = await jobStarts(jobId);
      expect(more).toEqual([]);
      // The edge node's installs ran in the edge worker, the others in the unbound one.
      expect(start).toMatch(node === 3 ? edgeOnly.owner : anyDc.owner);
      expect(hashesOf(node, imageId)).toHaveLength(1);
      expect(installedRight(imageId, node)).toBe(true);
    }
  }, 240_000);

  it('a worker stopped with SIGTERM hands its install back at once; another resumes it from the .part', async () => {
    const [anyDc] = workers;
    const imageId = await createImage('handed-back', 256 * 1024);
    const { jobId } = await install(imageId, 0);
    await until(async () => {
      const [job] = await jobRows([jobId]);
      // Half way through the transfer (2.3 MiB at 256 KiB/s): stopped with seconds of it still to go.
      return (
        job!.status === 'running' &&
        anyDc!.owner.test(job!.owner ?? '') &&
        job!.phase === 'transfer' &&
        job!.bytesDone > MiB
      );
    }, 60_000);
    anyDc!.child.kill('SIGTERM');
    expect(await anyDc!.exited).toBe(0);
    // Handed back, not left to a lease: queued again before any lease could have expired.
    expect((await jobRows([jobId]))[0]).toMatchObject({ status: 'queued', owner: null, attempt: 0 });
    expect(await jobLog(jobId)).toContain(
      'Handed back: the process running it is shutting down. Queued again to resume where it stopped.',
    );

    const next = await startWorker({});
    workers.push(next);
    await until(async () => await jobsDone([jobId]), 90_000);
    expect((await jobRows([jobId]))[0]).toMatchObject({ status: 'succeeded', attempt: 1, error: null });
    expect(await jobStarts(jobId)).toEqual([expect.stringMatching(anyDc!.owner), expect.stringMatching(next.owner)]);
    expect((await jobLog(jobId)).some((m) => m.startsWith('Resuming: '))).toBe(true);
    expect(hashesOf(0, imageId)).toHaveLength(1);
    expect(installedRight(imageId, 0)).toBe(true);
  }, 180_000);

  it('a worker killed with SIGKILL loses its install once the lease expires; another resumes it', async () => {
    const victim = workers.at(-1)!;
    const imageId = await createImage('taken-over', 256 * 1024);
    const { jobId } = await install(imageId, 1);
    await until(async () => {
      const [job] = await jobRows([jobId]);
      return (
        job!.status === 'running' &&
        victim.owner.test(job!.owner ?? '') &&
        job!.phase === 'transfer' &&
        job!.bytesDone > MiB
      );
    }, 60_000);
    victim.child.kill('SIGKILL');
    await victim.exited;

    const survivor = await startWorker({});
    workers.push(survivor);
    await until(async () => await jobsDone([jobId]), 90_000);
    expect((await jobRows([jobId]))[0]).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    expect(await jobLog(jobId)).toContain(
      'Interrupted: the portal process running this job stopped (its lease expired).',
    );
    expect(await jobStarts(jobId)).toEqual([
      expect.stringMatching(victim.owner),
      expect.stringMatching(survivor.owner),
    ]);
    expect((await jobLog(jobId)).some((m) => m.startsWith('Resuming: '))).toBe(true);
    expect(hashesOf(1, imageId)).toHaveLength(1);
    expect(installedRight(imageId, 1)).toBe(true);
  }, 180_000);

  it('while no worker runs, a queued install waits, and the Jobs page data says no runner is alive', async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    expect(await listLiveRunners()).toEqual([]);
    const imageId = await createImage('waiting', 4 * MiB);
    const { jobId } = await install(imageId, 2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await jobRows([jobId]))[0]).toMatchObject({ status: 'queued', attempt: 0 });
  }, 60_000);
});
