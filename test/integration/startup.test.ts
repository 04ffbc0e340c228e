import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import {
  credentials,
  dataCenters,
  images,
  jobEvents,
  jobs,
  nodeImages,
  nodes,
  storeReservations,
  users,
} from '@/lib/db/tables';
import { getJobRunner } from '@/lib/jobs/runner';
import { startPortal } from '@/lib/startup';
import { localStoreDir } from '../support/store';

describe('portal start-up', () => {
  it('creates the first SuperAdmin, clears abandoned uploads and takes over jobs whose owner stopped, leaving live ones alone', async () => {
    // Read with the rest of the configuration on first use, below.
    process.env.PORTAL_ADMIN_USER = 'first-admin';
    process.env.PORTAL_ADMIN_PASSWORD = 'first-admin-password';
    const db = getDb();
    const at = now();
    await db.insert(dataCenters).values({ id: 'dc', code: 'dc', name: 'DC', createdAt: at });
    await db
      .insert(credentials)
      .values({ id: 'cred', name: 'k', publicKey: 'ssh-ed25519 AAAA', encryptedPrivateKey: 'v1.x.y.z', createdAt: at });
    await db.insert(nodes).values({
      id: 'node',
      dataCenterId: 'dc',
      name: 'n',
      host: '127.0.0.9',
      sshUser: 'u',
      credentialId: 'cred',
      hostKeyFingerprint: 'SHA256:x',
      imageDir: '/srv',
      createdAt: at,
      updatedAt: at,
    });
    await db.insert(images).values({
      id: 'img',
      name: 'img',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'raw',
      sourceUrl: 'http://x/y',
      sha256: 'a'.repeat(64),
      createdAt: at,
      updatedAt: at,
    });
    await db.insert(jobs).values({
      id: 'running-job',
      kind: 'install',
      status: 'running',
      nodeId: 'node',
      imageId: 'img',
      createdAt: at,
      updatedAt: at,
    });
    await db.insert(jobs).values({
      id: 'done-job',
      kind: 'install',
      status: 'succeeded',
      nodeId: 'node',
      imageId: 'img',
      createdAt: at,
      updatedAt: at,
    });
    // Another portal process, alive and renewing its lease, runs this one (and receives an upload).
    const liveLease = new Date(at.getTime() + 60_000);
    await db.insert(images).values({
      id: 'img2',
      name: 'img2',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'raw',
      sourceUrl: 'http://x/z',
      sha256: 'b'.repeat(64),
      createdAt: at,
      updatedAt: at,
    });
    await db.insert(jobs).values({
      id: 'live-job',
      kind: 'install',
      status: 'running',
      nodeId: 'node',
      imageId: 'img2',
      owner: 'other-host:1:x',
      leaseUntil: liveLease,
      attempt: 1,
      createdAt: at,
      updatedAt: at,
    });
    await db.insert(storeReservations).values({
      id: 'r',
      tempFile: 'live.upload',
      bytes: 100,
      owner: 'other-host:1:x',
      leaseUntil: liveLease,
      createdAt: at,
    });
    await db
      .insert(nodeImages)
      .values({ nodeId: 'node', imageId: 'img', state: 'installing', lastJobId: 'running-job', updatedAt: at });

    const store = localStoreDir();
    fs.mkdirSync(store, { recursive: true });
    fs.writeFileSync(path.join(store, 'img.upload'), 'half an upload');
    fs.writeFileSync(path.join(store, 'kept.raw'), 'a finished image');
    fs.writeFileSync(path.join(store, 'live.upload'), 'an upload another process is receiving');

    await startPortal();

    expect(fs.readdirSync(store).sort()).toEqual(['kept.raw', 'live.upload']);

    const job = async (id: string) => (await firstRow(db.select().from(jobs).where(eq(jobs.id, id))))!;
    // The runner takes the job again at once (the full resume is test/integration/restart.test.ts).
    await vi.waitFor(async () => expect((await job('running-job')).attempt).toBe(1), { timeout: 5_000 });
    expect((await job('done-job')).status).toBe('succeeded');
    expect((await firstRow(db.select().from(nodeImages)))!.state).toBe('installing');
    expect((await db.select().from(jobEvents).where(eq(jobEvents.jobId, 'running-job'))).map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'Interrupted: the portal process running this job stopped (its lease expired).',
        'Queued again to resume where it stopped.',
      ]),
    );
    // The live process's job is still its own: not re-queued, not run here.
    expect(await job('live-job')).toMatchObject({ status: 'running', owner: 'other-host:1:x', attempt: 1 });
    expect(await db.select().from(jobEvents).where(eq(jobEvents.jobId, 'live-job'))).toEqual([]);
    await db.update(jobs).set({ status: 'cancelled' }).where(eq(jobs.id, 'live-job'));
    // Its node does not exist, so stop it from retrying once this test is done.
    await getJobRunner().waitFor('running-job');
    await db.update(jobs).set({ status: 'cancelled' }).where(eq(jobs.id, 'running-job'));
    expect(await db.select().from(users)).toMatchObject([{ username: 'first-admin', isSuperAdmin: true }]);

    // A second start creates no second admin.
    await startPortal();
    expect(await db.select().from(users)).toHaveLength(1);
  });
});
