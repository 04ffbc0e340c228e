import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { applyImageAvailability } from '@/lib/availability/operations';
import { getImageAvailability } from '@/lib/availability/queries';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, jobs, machines, nodes } from '@/lib/db/tables';
import { getJobRunner } from '@/lib/jobs/runner';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import type { SshNode } from '@/scripts/lib/sshd-node';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import { createUrlImage, expectOk, run, until, nodeImageRow } from '../support/portal';

const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Image Availability: fan-out, removal and the in-use guard on real sshd nodes', async () => {
  let world: SshWorld;
  let sshNodes: SshNode[];
  let nodeIds: string[];
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;

  beforeAll(async () => {
    world = await startSshWorld({
      hosts: ['127.0.0.41', '127.0.0.42', '127.0.0.43'],
      fixtureName: 'fan.qcow2',
      virtualMb: 64,
      dataMb: 8,
    });
    ({ sshNodes, nodeIds, mirror, qcow2, admin } = world);
  });
  afterAll(async () => {
    await world.stop();
  });

  const apply = (imageId: string, available: string[], shown = nodeIds) =>
    run(applyImageAvailability, { imageId, shown, available }, admin);
  const stateOn = (imageId: string, nodeId: string) => nodeImageRow(nodeId, imageId);
  /** The image's file on node i: named by the image's id. */
  const installedFile = (i: number, imageId: string, suffix = '') =>
    path.join(sshNodes[i]!.imageDir, `${imageId}.qcow2${suffix}`);

  it('fans out to 3 nodes in parallel, then removes the file from the node that was unchecked', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'fan',
      sourceUrl: `${mirror.url('fan.qcow2')}?rate=${4 * 1024 * 1024}`,
      sha256: qcow2.sha256,
    });
    const { changes } = expectOk(await apply(imageId, nodeIds));
    expect(changes.map((c) => c.change)).toEqual(['install', 'install', 'install']);
    // All three run at once (the limits allow it), each with its own progress.
    await until(
      async () =>
        (
          await getDb()
            .select()
            .from(jobs)
            .where(and(eq(jobs.imageId, imageId), eq(jobs.status, 'running')))
        ).length === 3,
    );
    await getJobRunner().waitForIdle();

    const view = (await getImageAvailability(admin, imageId))!;
    expect(view.groups[0]!.rows.map((r) => [r.state, r.available, r.lastJob?.status])).toEqual(
      Array(3).fill(['installed', true, 'succeeded']),
    );
    for (let i = 0; i < 3; i++) expect(sha256Of(installedFile(i, imageId))).toBe(qcow2.sha256);

    const removal = expectOk(await apply(imageId, [nodeIds[0]!, nodeIds[1]!]));
    expect(removal.changes).toMatchObject([{ nodeId: nodeIds[2], change: 'uninstall' }]);
    expect(await stateOn(imageId, nodeIds[2]!)).toMatchObject({ state: 'removing', available: false });
    await getJobRunner().waitForIdle();
    expect(fs.readdirSync(sshNodes[2]!.imageDir).filter((f) => f.startsWith(imageId))).toEqual([]);
    expect(await stateOn(imageId, nodeIds[2]!)).toBeUndefined();
    expect(fs.existsSync(installedFile(0, imageId))).toBe(true);
  });

  it('refuses, changing nothing, to make an image unavailable on a node where a machine uses it', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'in-use',
      sourceUrl: mirror.url('fan.qcow2'),
      sha256: qcow2.sha256,
    });
    expectOk(await apply(imageId, [nodeIds[0]!, nodeIds[1]!]));
    await getJobRunner().waitForIdle();
    await getDb()
      .insert(machines)
      .values({ id: crypto.randomUUID(), name: 'web-1', nodeId: nodeIds[1]!, imageId, createdAt: now() });
    const jobsBefore = (await getDb().select().from(jobs)).length;

    const refused = await apply(imageId, []);
    expect(refused).toMatchObject({
      ok: false,
      code: 'in_use',
      error: `in-use stays available: machine web-1 on ${await nodeName(nodeIds[1]!)} uses it.`,
    });
    // Nothing changed: not even the node without a machine lost the image.
    expect(await getDb().select().from(jobs)).toHaveLength(jobsBefore);
    expect(await stateOn(imageId, nodeIds[0]!)).toMatchObject({ state: 'installed', available: true });
    expect(fs.existsSync(installedFile(1, imageId))).toBe(true);
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'image.availability.apply'), eq(auditEvents.targetId, imageId)));
    expect(audit.map((a) => a.outcome)).toEqual(['ok', 'denied']);
  });

  it('unchecking a node while its pull is under way cancels it: the download stops and no .part is left', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'slow',
      sourceUrl: `${mirror.url('fan.qcow2')}?rate=${1024 * 1024}`,
      sha256: qcow2.sha256,
    });
    const [job] = expectOk(await apply(imageId, [nodeIds[0]!], [nodeIds[0]!])).changes;
    const part = installedFile(0, imageId, '.part');
    await until(() => fs.existsSync(part) && fs.statSync(part).size > 1024 * 1024);
    expect(expectOk(await apply(imageId, [], [nodeIds[0]!])).changes).toMatchObject([
      { change: 'cancel', jobId: job!.jobId },
    ]);
    await getJobRunner().waitForIdle();

    expect(await firstRow(getDb().select().from(jobs).where(eq(jobs.id, job!.jobId!)))).toMatchObject({
      status: 'cancelled',
    });
    expect(fs.readdirSync(sshNodes[0]!.imageDir).filter((f) => f.startsWith(imageId))).toEqual([]);
    expect(await stateOn(imageId, nodeIds[0]!)).toBeUndefined();
    // The downloader itself was stopped, not just abandoned: the directory stays empty a moment later.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fs.existsSync(part)).toBe(false);
  });

  it('greys out nodes that are not enabled, saying why, and refuses an install there', async () => {
    await getDb().update(nodes).set({ status: 'maintenance' }).where(eq(nodes.id, nodeIds[2]!));
    const imageId = await createUrlImage(admin, {
      name: 'greyed',
      sourceUrl: mirror.url('fan.qcow2'),
      sha256: qcow2.sha256,
    });
    const row = (await getImageAvailability(admin, imageId))!.groups[0]!.rows.find((r) => r.nodeId === nodeIds[2]);
    expect(row!.locked).toBe(
      `Node ${await nodeName(nodeIds[2]!)} is in maintenance; only enabled nodes accept new installs.`,
    );
    expect(await apply(imageId, [nodeIds[2]!], [nodeIds[2]!])).toMatchObject({ ok: false, code: 'invalid' });
    await getDb().update(nodes).set({ status: 'enabled' }).where(eq(nodes.id, nodeIds[2]!));
  });
});

async function nodeName(nodeId: string) {
  return (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!.name;
}
