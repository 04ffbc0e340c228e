import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { jobEvents, jobs, nodeImages, nodes } from '@/lib/db/tables';
import { retryJob } from '@/lib/jobs/operations';
import { listActiveJobs } from '@/lib/jobs/queries';
import { getJobRunner } from '@/lib/jobs/runner';
import { getOverview } from '@/lib/overview/queries';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  installAndWait,
  run,
} from '../support/portal';
import { call, session } from '../support/api-client';

/**
 * The overview counts what the lists behind it show, within the data centers the user sees; the
 * header's job indicator lists the jobs in motion; Retry does a failed job again as a new one.
 */
describe('the overview, the active jobs and Retry', () => {
  let admin: UserContext;
  let dcA: string;
  let dcB: string;
  let nodeA: string;
  let imageId: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dcA = await createDataCenterAs(admin, 'overview-a');
    dcB = await createDataCenterAs(admin, 'overview-b');
    nodeA = await insertUnreachableNode(dcA, 'overview-node-a');
    const broken = await insertUnreachableNode(dcA, 'overview-node-broken');
    await getDb().update(nodes).set({ status: 'error', lastError: 'Connection refused' }).where(eq(nodes.id, broken));
    await getDb()
      .update(nodes)
      .set({ diskFreeBytes: 5 * 1024 ** 3 })
      .where(eq(nodes.id, nodeA));
    await insertUnreachableNode(dcB, 'overview-node-b');
    imageId = await createUrlImage(admin, {
      name: 'overview-image',
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      sha256: 'a'.repeat(64),
    });
  });

  it('counts nodes by status, free disk, jobs, troubled copies and refusals, and scopes them to the user', async () => {
    // An install that fails: the node does not answer.
    const failed = await installAndWait(admin, imageId, nodeA);
    expect(failed.status).toBe('failed');
    await getDb()
      .insert(nodeImages)
      .values({ nodeId: nodeA, imageId, state: 'missing', updatedAt: now() })
      .onConflictDoUpdate({ target: [nodeImages.nodeId, nodeImages.imageId], set: { state: 'missing' } });
    await recordAudit({
      userId: admin.id,
      action: 'image.update',
      targetType: 'image',
      targetId: imageId,
      dataCenterId: dcA,
      outcome: 'denied',
      details: {},
    });

    const overview = await getOverview(admin);
    const a = overview.dataCenters.find((dc) => dc.id === dcA)!;
    expect(a).toMatchObject({
      nodes: { enabled: 1, maintenance: 0, error: 1, decommissioned: 0 },
      freeImageDiskBytes: 5 * 1024 ** 3,
      errors: [{ nodeName: 'overview-node-broken', lastError: 'Connection refused' }],
    });
    expect(overview.jobs).toEqual({ running: 0, queued: 0, failedLastDay: 1 });
    expect(overview.troubledImages).toEqual([{ id: imageId, name: 'overview-image', missing: 1, failed: 0 }]);
    expect(overview.refusals?.[0]).toMatchObject({ action: 'image.update', username: admin.username });

    // A DCAdmin of B sees B only, and the refusals of B (none).
    const dcAdminB = await createUserWithRole('DCAdmin', dcB);
    const theirs = await getOverview(dcAdminB);
    expect(theirs.dataCenters.map((dc) => dc.id)).toEqual([dcB]);
    expect(theirs.jobs.failedLastDay).toBe(0);
    expect(theirs.troubledImages).toEqual([]);
    expect(theirs.refusals).toEqual([]);
    // An ImageAdmin reads no audit log, so the overview has no refusals for them.
    expect((await getOverview(await createUserWithRole('ImageAdmin', dcB))).refusals).toBeNull();
  });

  it('lists the jobs in motion for the header, running first', async () => {
    const at = now();
    const job = async (id: string, status: 'running' | 'queued', dataCenterId: string) =>
      await getDb().insert(jobs).values({ id, kind: 'sync-sizes', status, dataCenterId, createdAt: at, updatedAt: at });
    await job('00000000-0000-4000-8000-00000000000a', 'queued', dcA);
    await job('00000000-0000-4000-8000-00000000000b', 'running', dcA);
    await job('00000000-0000-4000-8000-00000000000c', 'running', dcB);
    expect((await listActiveJobs(admin)).map((j) => [j.status, j.dataCenterName])).toEqual([
      ['running', 'Data center overview-a'],
      ['running', 'Data center overview-b'],
      ['queued', 'Data center overview-a'],
    ]);
    expect((await listActiveJobs(await createUserWithRole('DCAdmin', dcB))).map((j) => j.status)).toEqual(['running']);
    await getDb().delete(jobs).where(eq(jobs.kind, 'sync-sizes'));
  });

  it('retries a failed install as a new job, says so on the old one, and refuses what cannot be retried', async () => {
    await getDb().delete(nodeImages).where(eq(nodeImages.imageId, imageId));
    const failed = await installAndWait(admin, imageId, nodeA);
    const dcAdmin = await createUserWithRole('DCAdmin', dcA);
    expect(await run(retryJob, { jobId: failed.id }, dcAdmin)).toMatchObject({ ok: false, code: 'forbidden' });

    const { jobId } = expectOk(await run(retryJob, { jobId: failed.id }, admin));
    expect(jobId).not.toBe(failed.id);
    await getJobRunner().waitFor(jobId);
    const retried = (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    expect(retried).toMatchObject({ kind: 'install', nodeId: nodeA, imageId, status: 'failed', createdBy: admin.id });
    const events = (await getDb().select().from(jobEvents).where(eq(jobEvents.jobId, failed.id))).map((e) => e.message);
    expect(events).toContain(`Retried as job ${jobId}.`);

    // A script does the same through the API, once the node that failed three times is enabled again.
    await getDb().update(nodes).set({ status: 'enabled' }).where(eq(nodes.id, nodeA));
    const token = (await session(admin.username, 'correct horse battery')).json.token;
    const viaApi = await call('POST', '/jobs/{jobId}/retry', { token, params: { jobId } });
    expect(viaApi).toMatchObject({ status: 202, json: { retriedJobId: jobId, jobId: expect.any(String) } });
    await getJobRunner().waitFor(viaApi.json.jobId);
    expect(await call('POST', '/jobs/{jobId}/pause', { token, params: { jobId: viaApi.json.jobId } })).toMatchObject({
      status: 409,
    });

    await getDb().update(jobs).set({ status: 'succeeded' }).where(eq(jobs.id, jobId));
    expect(await run(retryJob, { jobId }, admin)).toMatchObject({
      ok: false,
      code: 'conflict',
      error: 'This job is succeeded, so it cannot be retried.',
    });
  });
});
