import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, dataCenters, jobs, machines, nodeImages, nodes } from '@/lib/db/tables';
import { setImageAttachment } from '@/lib/images/attachment';
import { listJobs } from '@/lib/jobs/queries';
import { locationGauges } from '@/lib/locations/gauges';
import { renameDataCenter } from '@/lib/locations/operations';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import {
  createDataCenterAs,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  installAndWait,
  run,
} from '../support/portal';

/** Location Details' gauges count what is really there, in this data center only. */
describe('Location Details: gauges, rename and recent jobs', async () => {
  let world: SshWorld;
  let nodeIds: string[];
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;
  let dataCenterId: string;
  let otherDataCenterId: string;

  beforeAll(async () => {
    world = await startSshWorld({ hosts: ['127.0.0.96', '127.0.0.97'], fixtureName: 'gauge.qcow2' });
    ({ nodeIds, mirror, qcow2, admin, dataCenterId } = world);
    otherDataCenterId = await createDataCenterAs(admin);
  });
  afterAll(async () => {
    await world.stop();
  });

  const row = async (nodeId: string, imageId: string, state: 'installed' | 'missing', available: boolean) =>
    await getDb().insert(nodeImages).values({ nodeId, imageId, state, available, updatedAt: now() });
  const machine = async (nodeId: string, imageId: string) =>
    await getDb()
      .insert(machines)
      .values({
        id: crypto.randomUUID(),
        name: `vm-${crypto.randomUUID().slice(0, 6)}`,
        nodeId,
        imageId,
        createdAt: now(),
      });
  const job = async (dc: string, status: 'running' | 'queued' | 'succeeded') => {
    const at = now();
    // A kind the runner cannot run here is fine: these rows are never claimed (not queued, or claimed and failed later).
    await getDb()
      .insert(jobs)
      .values({ id: crypto.randomUUID(), kind: 'import', status, dataCenterId: dc, createdAt: at, updatedAt: at });
  };

  it('counts nodes, images attached and available, jobs, free disk and machines of this data center only', async () => {
    const empty = locationGauges(admin, dataCenterId)!;
    expect(await empty).toMatchObject({
      nodesEnabled: 2,
      nodesTotal: 2,
      imagesAttached: 0,
      imagesAvailable: 0,
      runningJobs: 0,
      machines: 0,
    });

    // One image installed for real and offered; one attached but only installed unoffered; one bound here.
    const offered = await createUrlImage(admin, {
      name: 'gauge-offered',
      sourceUrl: mirror.url('gauge.qcow2'),
      sha256: qcow2.sha256,
    });
    const unoffered = await createUrlImage(admin, {
      name: 'gauge-unoffered',
      sourceUrl: mirror.url('gauge.qcow2'),
      sha256: qcow2.sha256,
    });
    const bound = await createUrlImage(admin, {
      name: 'gauge-bound',
      sourceUrl: mirror.url('gauge.qcow2'),
      sha256: qcow2.sha256,
      dcBoundId: dataCenterId,
    });
    for (const imageId of [offered, unoffered])
      expectOk(await run(setImageAttachment, { imageId, dataCenterId, attached: true }, admin));
    expect((await installAndWait(admin, offered, nodeIds[0]!)).status).toBe('succeeded');
    await row(nodeIds[1]!, unoffered, 'installed', false);
    await row(nodeIds[1]!, bound, 'missing', false);
    // A node in maintenance: its offered copy and its free disk do not count; its machine does.
    const resting = await insertUnreachableNode(dataCenterId, 'resting');
    await getDb()
      .update(nodes)
      .set({ status: 'maintenance', diskFreeBytes: 10 ** 12 })
      .where(eq(nodes.id, resting));
    await row(resting, unoffered, 'installed', true);
    await machine(nodeIds[0]!, offered);
    await machine(resting, unoffered);
    await job(dataCenterId, 'running');
    await job(dataCenterId, 'queued');
    await job(dataCenterId, 'succeeded');
    // Another data center's nodes, images, machines and jobs never count here.
    const elsewhere = await insertUnreachableNode(otherDataCenterId, 'elsewhere');
    await row(elsewhere, bound, 'installed', true);
    await machine(elsewhere, bound);
    await job(otherDataCenterId, 'running');

    const enabledFree = (
      await getDb()
        .select()
        .from(nodes)
        .where(and(eq(nodes.dataCenterId, dataCenterId), eq(nodes.status, 'enabled')))
    ).reduce((sum, n) => sum + n.diskFreeBytes!, 0);
    expect(enabledFree).toBeGreaterThan(0);
    expect(await locationGauges(admin, dataCenterId)).toEqual({
      nodesEnabled: 2,
      nodesTotal: 3,
      imagesAttached: 3,
      imagesAvailable: 1,
      runningJobs: 1,
      queuedJobs: 1,
      freeImageDiskBytes: enabledFree,
      machines: 2,
    });
  });

  it('lists recent jobs of this data center only, and shows gauges only to those who may view it', async () => {
    const here = await listJobs(admin, { dataCenterId, limit: 50 });
    expect(here.length).toBeGreaterThanOrEqual(4);
    expect(here.every((j) => j.job.dataCenterId === dataCenterId)).toBe(true);
    const stranger = await createUserWithRole('DCAdmin', otherDataCenterId);
    expect(await locationGauges(stranger, dataCenterId)).toBeNull();
    expect(await listJobs(stranger, { dataCenterId })).toEqual([]);
  });

  it('renames for a SuperAdmin; a DCAdmin of it is refused and the refusal audited as denied', async () => {
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    expect(await run(renameDataCenter, { dataCenterId, name: 'Hijacked' }, dcAdmin)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    const before = (await firstRow(getDb().select().from(dataCenters).where(eq(dataCenters.id, dataCenterId))))!;
    expect(expectOk(await run(renameDataCenter, { dataCenterId, name: '  Amsterdam 2  ' }, admin))).toMatchObject({
      to: 'Amsterdam 2',
    });
    expect(await firstRow(getDb().select().from(dataCenters).where(eq(dataCenters.id, dataCenterId)))).toMatchObject({
      name: 'Amsterdam 2',
      code: before.code,
    });
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'datacenter.rename'), eq(auditEvents.targetId, dataCenterId)));
    expect(audit.map((a) => [a.outcome, a.userId])).toEqual([
      ['denied', dcAdmin.id],
      ['ok', admin.id],
    ]);
    expect(audit[1]!.details).toMatchObject({ from: before.name, to: 'Amsterdam 2' });
  });
});
