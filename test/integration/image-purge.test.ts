import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { isJobActive } from '@/lib/db/enums';
import { auditEvents, images, jobs, nodeImages } from '@/lib/db/tables';
import { purgeImage } from '@/lib/images/purge';
import { changeImageLifecycle } from '@/lib/images/lifecycle';
import { installImage } from '@/lib/install/operations';
import { listJobs } from '@/lib/jobs/queries';
import { getJobRunner } from '@/lib/jobs/runner';
import { recordMachine, removeMachine } from '@/lib/machines/operations';
import { localStorePath } from '../support/store';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import type { SshNode } from '@/scripts/lib/sshd-node';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import {
  createStoreImage,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  installAndWait,
  run,
  until,
} from '../support/portal';

describe('permanent delete: refused while in use, then files removed from every node by uninstall jobs', async () => {
  let world: SshWorld;
  let sshNodes: SshNode[];
  let nodeIds: string[];
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;
  let dataCenterId: string;

  beforeAll(async () => {
    world = await startSshWorld({
      hosts: ['127.0.0.71', '127.0.0.72'],
      fixtureName: 'purge.qcow2',
      virtualMb: 64,
      dataMb: 8,
    });
    ({ sshNodes, nodeIds, mirror, qcow2, admin, dataCenterId } = world);
  });
  afterAll(async () => {
    await getJobRunner().waitForIdle();
    await world.stop();
  });

  const row = async (id: string) => await firstRow(getDb().select().from(images).where(eq(images.id, id)));
  const purge = (imageId: string, confirmName: string, user = admin) => run(purgeImage, { imageId, confirmName }, user);
  const filesOn = (i: number, prefix: string) =>
    fs.readdirSync(sshNodes[i]!.imageDir).filter((f) => f.startsWith(prefix));
  const newUrlImage = async (name: string, extra: Record<string, unknown> = {}) =>
    await createUrlImage(admin, { name, sourceUrl: mirror.url('purge.qcow2'), sha256: qcow2.sha256, ...extra });

  it('is refused while a machine uses the image, naming it; allowed after, removing the file from both nodes', async () => {
    const imageId = await newUrlImage('purge-me');
    for (const nodeId of nodeIds) expect((await installAndWait(admin, imageId, nodeId)).status).toBe('succeeded');
    expect(filesOn(0, imageId)).toEqual([`${imageId}.qcow2`, `${imageId}.qcow2.manifest.json`]);
    const { machineId } = expectOk(await run(recordMachine, { name: 'vm-purge', nodeId: nodeIds[0], imageId }, admin));

    const refused = await purge(imageId, 'purge-me');
    expect(refused).toMatchObject({ ok: false, code: 'in_use' });
    expect(!refused.ok && refused.error).toMatch(
      /cannot be deleted permanently while machines use it: vm-purge \(on node-\d+\)\./,
    );
    expect(await row(imageId)).toMatchObject({ access: 'public', purgeRequestedAt: null });
    expect(filesOn(0, imageId)).toHaveLength(2);

    expectOk(await run(removeMachine, { machineId }, admin));
    expect(await purge(imageId, 'purge-m')).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { confirmName: ['Type purge-me exactly to confirm.'] },
    });
    expect((await row(imageId))?.purgeRequestedAt).toBeNull();

    const accepted = expectOk(await purge(imageId, 'purge-me'));
    expect(accepted).toMatchObject({ removed: false, cancelledInstalls: 0 });
    expect(accepted.uninstallJobIds).toHaveLength(2);
    expect(await row(imageId)).toMatchObject({ access: 'deleted', purgeRequestedAt: expect.any(Date) });
    await getJobRunner().waitForIdle();

    expect(await row(imageId)).toBeUndefined();
    expect([filesOn(0, imageId), filesOn(1, imageId)]).toEqual([[], []]);
    expect(await getDb().select().from(nodeImages).where(eq(nodeImages.imageId, imageId))).toEqual([]);
    // The jobs keep their history, without the image.
    const uninstalls = await getDb().select().from(jobs).where(inArray(jobs.id, accepted.uninstallJobIds));
    expect(uninstalls.map((j) => [j.status, j.imageId])).toEqual([
      ['succeeded', null],
      ['succeeded', null],
    ]);
    // Each of them, and the installs before, still name the image in the job listing.
    const listed = (await listJobs(admin, { kind: 'uninstall' })).filter((j) =>
      accepted.uninstallJobIds.includes(j.job.id),
    );
    expect(listed.map((j) => j.imageName)).toEqual(['purge-me', 'purge-me']);
    expect((await listJobs(admin, { kind: 'install' })).filter((j) => j.imageName === 'purge-me')).toHaveLength(2);
    const actions = (await getDb().select().from(auditEvents).where(eq(auditEvents.targetId, imageId))).map(
      (e) => `${e.action}:${e.outcome}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['image.purge:denied', 'image.purge:error', 'image.purge:ok', 'image.purged:ok']),
    );
  });

  it('removes an image on no node at once, with its file in the portal’s store', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-purge-store-')), 'disk.raw');
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 7));
    const imageId = await createStoreImage(admin, file, { name: 'purge-store' });
    const stored = localStorePath((await row(imageId))!.storeFile!);
    expect(fs.existsSync(stored)).toBe(true);

    expect(expectOk(await purge(imageId, 'purge-store'))).toMatchObject({ removed: true, uninstallJobIds: [] });
    expect(await row(imageId)).toBeUndefined();
    expect(fs.existsSync(stored)).toBe(false);
  });

  it('cancels an install under way, and the image goes once the cancelled job has cleaned up', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'purge-busy',
      sourceUrl: `${mirror.url('purge.qcow2')}?rate=${256 * 1024}`,
      sha256: qcow2.sha256,
    });
    const { jobId } = expectOk(await run(installImage, { imageId, nodeId: nodeIds[1] }, admin));
    await until(
      async () => ((await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))?.bytesDone ?? 0) > 0,
    );

    expect(expectOk(await purge(imageId, 'purge-busy'))).toMatchObject({ removed: false, cancelledInstalls: 1 });
    await getJobRunner().waitForIdle();
    expect((await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))?.status).toBe('cancelled');
    expect(await row(imageId)).toBeUndefined();
    expect(filesOn(1, imageId)).toEqual([]);
  });

  it('refuses a protected image, a kernel a partition image boots with, and anyone without image.manage', async () => {
    const protectedId = await newUrlImage('purge-protected', { protected: 'on' });
    expect(await purge(protectedId, 'purge-protected')).toMatchObject({
      ok: false,
      code: 'conflict',
      error: expect.stringMatching(/is protected/),
    });

    const kernel = await createUrlImage(admin, {
      name: 'purge-kernel',
      diskFormat: 'aki',
      containerFormat: 'aki',
      sourceUrl: 'http://127.0.0.1:9/k', // never installed
      sha256: qcow2.sha256,
    });
    const ramdisk = await createUrlImage(admin, {
      name: 'purge-ramdisk',
      diskFormat: 'ari',
      containerFormat: 'ari',
      sourceUrl: 'http://127.0.0.1:9/r',
      sha256: qcow2.sha256,
    });
    await newUrlImage('purge-partition', { diskFormat: 'raw', kernelImageId: kernel, ramdiskImageId: ramdisk });
    const refused = await purge(kernel, 'purge-kernel');
    expect(refused).toMatchObject({
      ok: false,
      code: 'in_use',
      error: 'purge-kernel cannot be deleted permanently: purge-partition boots with it.',
    });
    // A soft delete is refused too: the partition image would lose its kernel.
    expect(
      await run(changeImageLifecycle, { imageId: kernel, change: 'access', access: 'deleted' }, admin),
    ).toMatchObject({ ok: false, error: 'purge-kernel cannot be deleted: purge-partition boots with it.' });

    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    expect(await purge(protectedId, 'purge-protected', dcAdmin)).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await row(kernel))?.purgeRequestedAt).toBeNull();
    expect((await row(protectedId))?.purgeRequestedAt).toBeNull();
  });

  it('waits while a node is down; asking again queues the removal once more; the image takes no new machine', async () => {
    const imageId = await newUrlImage('purge-down');
    const downNode = await insertUnreachableNode(dataCenterId, 'purge-down-node');
    await getDb()
      .insert(nodeImages)
      .values({
        nodeId: downNode,
        imageId,
        state: 'installed',
        available: true,
        path: `/srv/${imageId}.qcow2`,
        updatedAt: now(),
      });

    const first = expectOk(await purge(imageId, 'purge-down'));
    await getJobRunner().waitFor(first.uninstallJobIds[0]!);
    expect((await firstRow(getDb().select().from(jobs).where(eq(jobs.id, first.uninstallJobIds[0]!))))?.status).toBe(
      'failed',
    );
    expect(await row(imageId)).toMatchObject({ access: 'deleted', purgeRequestedAt: expect.any(Date) });
    expect(
      (
        await firstRow(
          getDb()
            .select()
            .from(nodeImages)
            .where(and(eq(nodeImages.imageId, imageId), eq(nodeImages.nodeId, downNode))),
        )
      )?.state,
    ).toBe('installed');
    expect(await run(recordMachine, { name: 'late-vm', nodeId: nodeIds[0], imageId }, admin)).toMatchObject({
      ok: false,
      fieldErrors: { imageId: ['Choose an image that is not deleted.'] },
    });

    const again = expectOk(await purge(imageId, 'purge-down'));
    expect(again.uninstallJobIds).toHaveLength(1);
    expect(again.uninstallJobIds[0]).not.toBe(first.uninstallJobIds[0]);
    await until(
      async () =>
        !isJobActive(
          (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, again.uninstallJobIds[0]!))))?.status,
        ),
      20_000,
    );
  });
});
