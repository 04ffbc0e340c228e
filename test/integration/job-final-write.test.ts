import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb, sqliteFile, firstRow } from '@/lib/db/client';
import { jobs } from '@/lib/db/tables';
import { claimNextJob } from '@/lib/jobs/claims';
import { finishJob, insertJob } from '@/lib/jobs/rows';
import { createDataCenterAs, createSuperAdmin } from '../support/portal';

/**
 * A job's final write outlasts a database that another process holds locked for longer than the
 * connection's own busy timeout: it waits and writes, rather than leave the job `running`.
 */
describe("a job's final write", () => {
  it('retries through SQLITE_BUSY and records the outcome', async () => {
    const admin = await createSuperAdmin();
    const dataCenterId = await createDataCenterAs(admin);
    const jobId = await getDb().transaction(async (tx) =>
      insertJob(tx, { kind: 'sync-sizes', createdBy: admin.id, dataCenterId }),
    );
    expect((await claimNextJob())?.id).toBe(jobId);

    // Another connection, as another process would, takes the write lock and keeps it for a while.
    const other = new Database(sqliteFile());
    other.exec('BEGIN IMMEDIATE');
    const release = setTimeout(() => other.exec('COMMIT'), 1000);
    try {
      // The first try blocks for the whole busy timeout and fails; a later one gets through.
      await expect(finishJob(jobId, { status: 'succeeded', result: { ok: true } })).resolves.toBe(true);
    } finally {
      clearTimeout(release);
      if (other.inTransaction) other.exec('COMMIT');
      other.close();
    }
    expect(await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId)))).toMatchObject({
      status: 'succeeded',
      owner: null,
      result: { ok: true },
    });
  });
});
