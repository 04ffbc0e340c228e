import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '@/lib/tokens/operations';
import { makeQcow2, type FixtureImage } from '@/scripts/lib/fixture-image';
import { startMirror, type Mirror } from '@/scripts/lib/mirror';
import { SshNode } from '@/scripts/lib/sshd-node';
import { assertBuilt, queueInstallThrough, startBuiltPortal, type BuiltPortal } from '../support/built-portal';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  jobLog,
  jobRows,
  jobsDone,
  jobStarts,
  registerSshNode,
  sha256OfFile,
  until,
} from '../support/portal';

/**
 * Two `next start` processes on one data directory, as two portal hosts behind a load balancer
 * would share one: every job runs exactly once, in one of them, and when one is killed the other
 * takes its jobs over once their leases expire. "Exactly once" is read off the nodes themselves:
 * each node logs every sha256sum it runs, and the install hashes each file once, before commit.
 */
describe('two portal processes on one data directory', () => {
  const MiB = 1024 * 1024;
  let mirror: Mirror;
  let fixture: FixtureImage;
  let sshNodes: SshNode[];
  let nodeIds: string[];
  let portals: BuiltPortal[];
  let token: string;
  let createImage: (name: string, rate: number) => Promise<string>;

  beforeAll(async () => {
    assertBuilt();
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR!, 'cbp-two-mirror-'));
    fixture = makeQcow2(path.join(dir, 'shared.qcow2'), 32, 2);
    mirror = await startMirror(dir);
    const admin = await createSuperAdmin();
    const dataCenterId = await createDataCenterAs(admin);
    sshNodes = await Promise.all(
      ['127.0.0.174', '127.0.0.175', '127.0.0.176'].map((host) => SshNode.start({ host, countTools: ['sha256sum'] })),
    );
    nodeIds = [];
    for (const node of sshNodes) nodeIds.push((await registerSshNode(admin, dataCenterId, node)).nodeId);
    token = (await issueApiToken(admin.id, 'two-portals')).token;
    createImage = async (name, rate) =>
      await createUrlImage(admin, {
        name,
        sourceUrl: `${mirror.url('shared.qcow2')}?rate=${rate}`,
        sha256: fixture.sha256,
      });
    // A short lease, so the survivor takes over within seconds; both processes share the one database.
    const env = { PORTAL_JOBS_LEASE_S: '3', PORTAL_DATA_DIR: process.env.PORTAL_DATA_DIR! };
    portals = [await startBuiltPortal('127.0.0.177', env), await startBuiltPortal('127.0.0.178', env)];
  }, 180_000);
  afterAll(async () => {
    await Promise.all((portals ?? []).map((p) => p.stop()));
    await Promise.all((sshNodes ?? []).map((n) => n.stop()));
    await mirror?.close();
  });

  /** Queues one install per (image, node), alternating between the two portals. */
  const queueAll = async (imageIds: string[]) => {
    const queued: { jobId: string; imageId: string; node: number }[] = [];
    for (const imageId of imageIds) {
      for (const [node, nodeId] of nodeIds.entries())
        queued.push({
          jobId: await queueInstallThrough(portals[queued.length % 2]!, token, imageId, nodeId),
          imageId,
          node,
        });
    }
    return queued;
  };
  const hashesOf = (node: number, imageId: string) =>
    sshNodes[node]!.toolCalls().filter((call) => call.includes(`${imageId}.qcow2.part`));

  it('runs each of 12 installs queued through both exactly once', async () => {
    const imageIds = await Promise.all([1, 2, 3, 4].map((i) => createImage(`twice-${i}`, 2 * MiB)));
    const queued = await queueAll(imageIds);
    expect(queued).toHaveLength(12);
    await until(async () => await jobsDone(queued.map((q) => q.jobId)), 120_000);

    const owners = new Set<string>();
    for (const { jobId, imageId, node } of queued) {
      const job = (await jobRows([jobId]))[0]!;
      expect(job).toMatchObject({ status: 'succeeded', attempt: 1, error: null });
      expect(await jobStarts(jobId)).toHaveLength(1);
      owners.add((await jobStarts(jobId))[0]!.replace(/^Started \(attempt 1 of \d+\) in (.+)\.$/, '$1'));
      expect(hashesOf(node, imageId)).toHaveLength(1);
      expect(sha256OfFile(path.join(sshNodes[node]!.imageDir, `${imageId}.qcow2`))).toBe(fixture.sha256);
    }
    // Both processes took part: the work was shared, not merely left to one of them.
    expect(owners.size).toBe(2);
  }, 180_000);

  it('when one is killed, the other takes its jobs over once their leases expire, and each still runs once', async () => {
    // Slow downloads, so that the kill finds installs under way.
    const imageIds = await Promise.all([5, 6].map((i) => createImage(`takeover-${i}`, 256 * 1024)));
    const queued = await queueAll(imageIds);
    const ids = queued.map((q) => q.jobId);
    const victim = portals[0]!;
    const victimOwner = new RegExp(`:${victim.pid}:`);
    // Under way means its start is in the log: a job claimed a moment before the kill may have
    // none yet, and the survivor then starts it as if it were the first time.
    const underWayInVictim = async () => {
      const running = (await jobRows(ids)).filter((j) => j.status === 'running' && victimOwner.test(j.owner ?? ''));
      const started = await Promise.all(
        running.map(async (j) => (await jobStarts(j.id)).some((l) => victimOwner.test(l))),
      );
      return running.filter((_, i) => started[i]).map((j) => j.id);
    };
    await until(async () => (await underWayInVictim()).length > 0, 60_000);
    const orphaned = await underWayInVictim();
    await victim.kill9();

    await until(async () => await jobsDone(ids), 120_000);
    for (const { jobId, imageId, node } of queued) {
      expect((await jobRows([jobId]))[0]).toMatchObject({ status: 'succeeded', error: null });
      // The killed process never got to verify its copy; the survivor hashed each file once.
      expect(hashesOf(node, imageId)).toHaveLength(1);
      expect(sha256OfFile(path.join(sshNodes[node]!.imageDir, `${imageId}.qcow2`))).toBe(fixture.sha256);
    }
    for (const jobId of orphaned) {
      expect(await jobLog(jobId)).toContain(
        'Interrupted: the portal process running this job stopped (its lease expired).',
      );
      const [first, second, ...more] = await jobStarts(jobId);
      expect(first).toMatch(victimOwner);
      expect(second).toMatch(/^Started \(attempt 2 of \d+\) in /);
      expect(second).not.toMatch(victimOwner);
      expect(more).toEqual([]);
    }
  }, 180_000);
});
