import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, jobs, nodes, sizeDataCenters, sizes } from '@/lib/db/tables';
import { formatBytes } from '@/lib/format';
import { getJobRunner } from '@/lib/jobs/runner';
import { fitInDataCenter } from '@/lib/sizes/fit';
import { createSize, deleteSizes } from '@/lib/sizes/operations';
import { sizesForDataCenter } from '@/lib/sizes/queries';
import { startSizeSync } from '@/lib/sync/operations';
import type { SyncSizesResult } from '@/lib/sync/sizes-job';
import { SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUserWithRole,
  expectOk,
  registerSshNode,
  run,
} from '../support/portal';

describe('Sync Available Sizes on real sshd nodes', async () => {
  const sshNodes: SshNode[] = [];
  const nodeIds: string[] = [];
  let admin: UserContext;
  let dataCenterId: string;
  let emptyDataCenterId: string;
  const sizeIds: Record<string, string> = {};

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    emptyDataCenterId = await createDataCenterAs(admin);
    for (const host of ['127.0.0.94', '127.0.0.95']) {
      const node = await SshNode.start({ host });
      sshNodes.push(node);
      nodeIds.push((await registerSshNode(admin, dataCenterId, node)).nodeId);
    }
    const add = async (name: string, vcpus: number, memoryMb: number, diskGb: string) =>
      (sizeIds[name] = expectOk(
        await run(createSize, { name, vcpus: String(vcpus), memoryMb: String(memoryMb), diskGb }, admin),
      ).id);
    await add('tiny', 1, 512, '1');
    await add('many-cpus', 1024, 512, '1');
    await add('huge-memory', 1, 16 * 1024 * 1024, '1');
    await add('huge-disks', 1, 512, '65536, 65536');
  });
  afterAll(async () => {
    await Promise.all(sshNodes.map((n) => n.stop()));
  });

  const syncSizes = async (dc: string): Promise<SyncSizesResult> => {
    const { jobId } = expectOk(await run(startSizeSync, { dataCenterId: dc }, admin));
    await getJobRunner().waitFor(jobId);
    const job = (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    expect(job.status).toBe('succeeded');
    return job.result as SyncSizesResult;
  };
  const placement = async (sizeName: string, dc = dataCenterId) =>
    await firstRow(
      getDb()
        .select()
        .from(sizeDataCenters)
        .where(and(eq(sizeDataCenters.sizeId, sizeIds[sizeName]!), eq(sizeDataCenters.dataCenterId, dc))),
    );

  it('parses a size from the form: disks as a list of GB; a taken name is refused', async () => {
    expect(await firstRow(getDb().select().from(sizes).where(eq(sizes.id, sizeIds['huge-disks']!)))).toMatchObject({
      diskGb: [65536, 65536],
      vcpus: 1,
    });
    expect(await run(createSize, { name: 'tiny', vcpus: '1', memoryMb: '512', diskGb: '1' }, admin)).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expect(await run(createSize, { name: 'bad', vcpus: '1', memoryMb: '512', diskGb: 'ten' }, admin)).toMatchObject({
      ok: false,
      // The size schema gives no message of its own for a disk that is not a number: the portal's words.
      fieldErrors: { diskGb: ['Disk GB must be a number.'] },
    });
  });

  it('records where each size fits, from the capacity it read, with a reason naming the largest node', async () => {
    const result = await syncSizes(dataCenterId);
    const read = await getDb().select().from(nodes).where(eq(nodes.dataCenterId, dataCenterId));
    expect(result.nodes).toHaveLength(2);
    for (const node of read)
      expect(result.nodes).toContainEqual({
        nodeId: node.id,
        nodeName: node.name,
        cpus: node.cpus,
        memoryBytes: node.memoryBytes,
        diskTotalBytes: node.diskTotalBytes,
        diskFreeBytes: node.diskFreeBytes,
      });
    const maxCpus = Math.max(...read.map((n) => n.cpus!));
    const maxMemory = Math.max(...read.map((n) => n.memoryBytes!));
    const maxDisk = Math.max(...read.map((n) => n.diskFreeBytes!));

    expect(await placement('tiny')).toMatchObject({ available: true, reason: null });
    expect(result.sizes.find((s) => s.name === 'tiny')!.fittingNodes.sort()).toEqual(read.map((n) => n.name).sort());
    expect(await placement('many-cpus')).toMatchObject({
      available: false,
      reason: `no enabled node has 1024 CPUs; the largest has ${maxCpus}`,
    });
    expect(await placement('huge-memory')).toMatchObject({
      available: false,
      reason: `no enabled node has 16.0 TiB memory; the largest has ${formatBytes(maxMemory)}`,
    });
    expect(await placement('huge-disks')).toMatchObject({
      available: false,
      reason: `no enabled node has 128.0 TiB free disk; the largest has ${formatBytes(maxDisk)}`,
    });
  });

  it('a data center without enabled nodes hosts nothing, and says why; the sizes table shows both data centers', async () => {
    await syncSizes(emptyDataCenterId);
    expect(await placement('tiny', emptyDataCenterId)).toMatchObject({
      available: false,
      reason: 'the data center has no enabled node',
    });
    const tiny = (await sizesForDataCenter(admin, dataCenterId)).find((s) => s.name === 'tiny')!;
    expect(tiny.here).toMatchObject({ available: true });
    expect(tiny.elsewhere).toMatchObject([
      { dataCenterId: emptyDataCenterId, available: false, reason: 'the data center has no enabled node' },
    ]);
  });

  it('a node that cannot be read counts as unable to host, and the reason says so', async () => {
    await sshNodes[1]!.stop();
    await getDb().update(nodes).set({ status: 'maintenance' }).where(eq(nodes.id, nodeIds[0]!));
    const result = await syncSizes(dataCenterId);
    await getDb().update(nodes).set({ status: 'enabled' }).where(eq(nodes.id, nodeIds[0]!));
    const { host, port } = sshNodes[1]!;
    expect(result.nodes).toMatchObject([
      {
        nodeId: nodeIds[1],
        error: `Could not connect to ${host}:${port}: the connection was refused (is sshd running on that port?).`,
      },
    ]);
    expect(await placement('tiny')).toMatchObject({
      available: false,
      reason: 'no enabled node could be read (1 enabled node could not be read)',
    });
  });

  it('the fit rule: one node must have everything at once', () => {
    const nodesRead = [
      { name: 'cpu-rich', cpus: 16, memoryBytes: 4 * 2 ** 30, diskFreeBytes: 100 * 2 ** 30 },
      { name: 'memory-rich', cpus: 2, memoryBytes: 64 * 2 ** 30, diskFreeBytes: 100 * 2 ** 30 },
    ];
    expect(fitInDataCenter({ vcpus: 8, memoryMb: 32 * 1024, diskGb: [20] }, nodesRead)).toEqual({
      available: false,
      reason: 'no single enabled node has 8 CPUs, 32.0 GiB memory and 20.0 GiB free disk together',
      fittingNodes: [],
    });
    expect(fitInDataCenter({ vcpus: 2, memoryMb: 32 * 1024, diskGb: [50, 50] }, nodesRead)).toMatchObject({
      available: true,
      fittingNodes: ['memory-rich'],
    });
    expect(fitInDataCenter({ vcpus: 2, memoryMb: 1024, diskGb: [60, 50] }, nodesRead).reason).toBe(
      'no enabled node has 110.0 GiB free disk; the largest has 100.0 GiB',
    );
  });

  it('deletes chosen sizes with their placements; a DCAdmin may neither add, delete nor sync, and each refusal is audited', async () => {
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    expect(await run(createSize, { name: 'sneaky', vcpus: '1', memoryMb: '512', diskGb: '1' }, dcAdmin)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await run(deleteSizes, { sizeIds: [sizeIds['tiny']] }, dcAdmin)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await run(startSizeSync, { dataCenterId }, dcAdmin)).toMatchObject({ ok: false, code: 'forbidden' });
    const denied = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, dcAdmin.id), eq(auditEvents.outcome, 'denied')));
    expect(denied.map((a) => a.action).sort()).toEqual(['datacenter.sync-sizes', 'size.create', 'size.delete']);

    expect(expectOk(await run(deleteSizes, { sizeIds: [sizeIds['tiny'], sizeIds['many-cpus']] }, admin))).toEqual({
      deleted: ['many-cpus', 'tiny'],
    });
    expect((await getDb().select().from(sizes)).map((s) => s.name).sort()).toEqual(['huge-disks', 'huge-memory']);
    expect(await getDb().select().from(sizeDataCenters).where(eq(sizeDataCenters.sizeId, sizeIds['tiny']!))).toEqual(
      [],
    );
  });
});
