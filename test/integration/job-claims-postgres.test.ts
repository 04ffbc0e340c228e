import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migratePostgres, openPostgres, type PgDb } from '@/lib/db/postgres';
import * as pg from '@/lib/db/schema-pg';
import { startPostgres, type PostgresService } from '@/scripts/lib/services/postgres';

/**
 * The job claim on PostgreSQL, where claims run side by side on a pool of connections: each queued
 * job is claimed exactly once, and at no moment do more jobs run than PORTAL_JOBS_MAX in all or
 * PORTAL_JOBS_MAX_PER_NODE on a node, however many claims race.
 */
describe('claiming jobs on PostgreSQL', () => {
  let postgres: PostgresService;
  let db: PgDb;
  let claimNextJob: typeof import('@/lib/jobs/claims').claimNextJob;
  const nodeIds: string[] = [];

  beforeAll(async () => {
    postgres = await startPostgres({ host: '127.0.0.220' });
    const url = await postgres.createDatabase('claims');
    db = openPostgres(url);
    await migratePostgres(db);
    // The portal's modules choose their database when they load: load them again, on PostgreSQL.
    process.env.DATABASE_URL = url;
    process.env.PORTAL_JOBS_MAX = '3';
    process.env.PORTAL_JOBS_MAX_PER_NODE = '1';
    vi.resetModules();
    ({ claimNextJob } = await import('@/lib/jobs/claims'));
    const { getDb } = await import('@/lib/db/client');
    expect(getDb()).not.toBe(db);

    const at = new Date();
    const dataCenterId = crypto.randomUUID();
    const credentialId = crypto.randomUUID();
    await db.insert(pg.dataCenters).values({ id: dataCenterId, code: 'pg', name: 'PostgreSQL', createdAt: at });
    await db
      .insert(pg.credentials)
      .values({ id: credentialId, name: 'key', publicKey: 'ssh-ed25519 x', encryptedPrivateKey: 'x', createdAt: at });
    for (let i = 0; i < 4; i++) {
      const id = crypto.randomUUID();
      nodeIds.push(id);
      await db.insert(pg.nodes).values({
        ...{ id, dataCenterId, credentialId, name: `node-${i}`, host: `10.0.0.${i}`, sshUser: 'root' },
        ...{ hostKeyFingerprint: 'SHA256:x', imageDir: '/images', createdAt: at, updatedAt: at },
      });
    }
    // 40 queued jobs, 10 per node, created a millisecond apart so their order is known.
    await db.insert(pg.jobs).values(
      Array.from({ length: 40 }, (_, i) => ({
        id: crypto.randomUUID(),
        kind: 'sync-sizes' as const,
        nodeId: nodeIds[i % 4]!,
        dataCenterId,
        createdAt: new Date(at.getTime() + i),
        updatedAt: at,
      })),
    );
  }, 120_000);
  afterAll(async () => {
    const { closeAllDatabases } = await import('@/lib/db/client');
    await closeAllDatabases();
    delete process.env.DATABASE_URL;
    delete process.env.PORTAL_JOBS_MAX;
    delete process.env.PORTAL_JOBS_MAX_PER_NODE;
    await db?.$client.end();
    await postgres?.stop();
  });

  it('claims each job once, eight claimers racing, and never runs more than the limits allow', async () => {
    const claimed: string[] = [];
    const seen = { inAll: 0, onANode: 0 };
    const running = async () => {
      const rows = await db.execute<{ node_id: string; n: string }>(
        sql`select node_id, count(*) as n from jobs where status = 'running' group by node_id`,
      );
      const counts = rows.rows.map((r) => Number(r.n));
      seen.inAll = Math.max(
        seen.inAll,
        counts.reduce((a, b) => a + b, 0),
      );
      seen.onANode = Math.max(seen.onANode, ...counts, 0);
    };
    const claimer = async () => {
      for (let idle = 0; idle < 50;) {
        const job = await claimNextJob();
        await running();
        if (!job) {
          idle += 1;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        claimed.push(job.id);
        expect(job).toMatchObject({ status: 'running', attempt: 1 });
        expect(job.startedAt).toBeInstanceOf(Date);
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
        await db.update(pg.jobs).set({ status: 'succeeded', owner: null }).where(eq(pg.jobs.id, job.id));
        idle = 0;
      }
    };
    await Promise.all(Array.from({ length: 8 }, claimer));

    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
    expect(seen).toEqual({ inAll: 3, onANode: 1 });
    const left = await db.select().from(pg.jobs).where(eq(pg.jobs.status, 'queued'));
    expect(left).toEqual([]);
  }, 60_000);
});
