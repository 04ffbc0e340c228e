import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { applyImageAvailability } from '@/lib/availability/operations';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { isJobActive } from '@/lib/db/enums';
import { jobs, machines, nodeImages } from '@/lib/db/tables';
import { listMachinesOnNode, visibleMachinesUsingImage } from '@/lib/machines/queries';
import { recordMachine, removeMachine } from '@/lib/machines/operations';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  run,
  until,
} from '../support/portal';

describe('recording machines, so that in-use guards are real', () => {
  let admin: UserContext;
  let dataCenterId: string;
  let nodeId: string;
  let imageId: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    nodeId = await insertUnreachableNode(dataCenterId, 'm1');
    const at = now();
    imageId = await createUrlImage(admin, {
      name: 'machine-image',
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      sha256: 'd'.repeat(64),
    });
    await getDb().insert(nodeImages).values({ nodeId, imageId, state: 'installed', available: true, updatedAt: at });
  });

  const unoffer = () => run(applyImageAvailability, { imageId, shown: [nodeId], available: [] }, admin);

  it('records a machine; the image is then in use on its node, until the machine is removed', async () => {
    const { machineId } = expectOk(await run(recordMachine, { name: 'web-1', nodeId, imageId }, admin));
    expect((await listMachinesOnNode(nodeId)).rows).toMatchObject([
      { id: machineId, name: 'web-1', status: 'running', imageName: 'machine-image' },
    ]);
    expect(await visibleMachinesUsingImage(admin, imageId)).toMatchObject([{ name: 'web-1', nodeName: 'm1' }]);
    expect(await unoffer()).toMatchObject({ ok: false, code: 'in_use' });

    expectOk(await run(removeMachine, { machineId }, admin));
    expect(await firstRow(getDb().select().from(machines).where(eq(machines.id, machineId)))).toBeUndefined();
    const [removal] = expectOk(await unoffer()).changes;
    expect(removal).toMatchObject({ change: 'uninstall' });
    // The node is not real: let its removal job run out of attempts before the database closes.
    await until(
      async () =>
        !isJobActive((await firstRow(getDb().select().from(jobs).where(eq(jobs.id, removal!.jobId!))))?.status),
      20_000,
    );
  });

  it('refuses a bad name, an unknown image and a duplicate on the same node, with field messages', async () => {
    expect(await run(recordMachine, { name: '-bad name', nodeId, imageId }, admin)).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { name: ['Letters, digits, dot, dash or underscore; up to 64, starting with a letter or digit.'] },
    });
    expect(await run(recordMachine, { name: 'x', nodeId, imageId: crypto.randomUUID() }, admin)).toMatchObject({
      ok: false,
      fieldErrors: { imageId: ['Choose an existing image.'] },
    });
    expectOk(await run(recordMachine, { name: 'twice', nodeId, imageId }, admin));
    expect(await run(recordMachine, { name: 'twice', nodeId, imageId }, admin)).toMatchObject({
      ok: false,
      code: 'conflict',
    });
  });

  it('is for SuperAdmins: a DCAdmin of the node’s data center is refused and sees the machines read-only', async () => {
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    expect(await run(recordMachine, { name: 'sneaky', nodeId, imageId }, dcAdmin)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect((await listMachinesOnNode(nodeId)).rows.map((m) => m.name)).not.toContain('sneaky');
  });
});
