import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq, getTableName, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/lib/db/client';
import { sqliteConnectionOf } from '@/lib/db/sqlite-connection';
import { tablesInCopyOrder } from '@/lib/db/copy';
import { openPostgres, type PgDb } from '@/lib/db/postgres';
import { auditEvents, images } from '@/lib/db/tables';
import * as pgSchema from '@/lib/db/schema-pg';
import { startPostgres, type PostgresService } from '@/scripts/lib/services/postgres';
import { seedLarge } from '@/scripts/seed-large';
import { databaseBefore, migrationTags } from '../support/old-database';

/**
 * `npm run db:migrate` and `npm run db:copy`, run as an operator runs them, against a real
 * PostgreSQL (a private cluster). The copy is checked row by row: every table read back from
 * PostgreSQL equals the SQLite one, times, flags and JSON included.
 */

const tsx = (script: string, args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, ['--conditions=react-server', '--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
  });

/** The exit code and output of a command expected to fail. */
async function failing(run: Promise<unknown>): Promise<{ code: number; stderr: string }> {
  try {
    await run;
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error('The command succeeded.');
}

describe('moving a portal to PostgreSQL', () => {
  let postgres: PostgresService;
  let source: { file: string; db: Db };
  const targets: PgDb[] = [];
  const target = async (name: string) => {
    const url = await postgres.createDatabase(name);
    const db = openPostgres(url);
    targets.push(db);
    return { url, db };
  };

  beforeAll(async () => {
    postgres = await startPostgres({ host: '127.0.0.219' });
    const file = path.join(os.tmpdir(), `copy-source-${crypto.randomUUID()}.db`);
    const db = openDatabase(file);
    await seedLarge(db, { images: 60, nodes: 6, nodeImages: 150, jobs: 200, auditEvents: 150 });
    await addKernelReferencedBeforeItsRow(db);
    source = { file, db };
  }, 120_000);
  afterAll(async () => {
    await Promise.all(targets.map((db) => db.$client.end()));
    if (source) sqliteConnectionOf(source.db)?.handle.close();
    await postgres?.stop();
  });

  it('db:migrate applies the PostgreSQL migrations once', async () => {
    const { url } = await target('migrated');
    const first = await tsx('scripts/db-migrate.ts', [], { DATABASE_URL: url });
    // The user name is redacted with any password: a log line never carries credentials.
    const all = migrationTags('pg').length;
    expect(first.stdout).toMatch(
      new RegExp(
        `^PostgreSQL postgres://\\*\\*\\*@127\\.0\\.0\\.219:\\d+/migrated: applied ${all} migration\\(s\\); it has ${all}\\.$`,
        'm',
      ),
    );
    const again = await tsx('scripts/db-migrate.ts', [], { DATABASE_URL: url });
    expect(again.stdout).toContain(`applied 0 migration(s); it has ${all}.`);
  }, 60_000);

  it('db:copy copies every row of every table, equal when read back, and says how many', async () => {
    const { url, db } = await target('copied');
    const { stdout } = await tsx('scripts/db-copy.ts', ['--from', source.file, '--to', url]);
    expect(stdout).toMatch(/every table's count matches\.$/m);
    // 60 seeded, and the partition image and its kernel.
    expect(stdout).toMatch(/^images\s+62$/m);

    for (const { name, sqlite, pg } of tablesInCopyOrder()) {
      const before = await source.db.select().from(sqlite);
      const after = await db.select().from(pg);
      const key = (row: Record<string, unknown>) => JSON.stringify(Object.values(row));
      expect(after.map(key).sort(), name).toEqual(before.map(key).sort());
      expect(after, name).toHaveLength(before.length);
    }
    // Spot checks that "equal" meant the same types, not only the same text.
    const [job] = await db.select().from(pgSchema.jobs).limit(1);
    expect(job!.createdAt).toBeInstanceOf(Date);
    expect(typeof job!.params).toBe('object');
    const [dc] = await db.select().from(pgSchema.dataCenters).limit(1);
    expect(typeof dc!.relayInstalls).toBe('boolean');
  }, 120_000);

  it('leaves identity columns to go on after the copied rows', async () => {
    const db = targets.at(-1)!;
    const [job] = await db.select({ id: pgSchema.jobs.id }).from(pgSchema.jobs).limit(1);
    const [event] = await db
      .insert(pgSchema.auditEvents)
      .values({ at: new Date(), action: 'test.after-copy', targetType: 'job', targetId: job!.id, outcome: 'ok' })
      .returning();
    const copied = await source.db.select({ id: auditEvents.id }).from(auditEvents);
    expect(copied.length).toBeGreaterThan(100);
    expect(event!.id).toBe(Math.max(...copied.map((e) => e.id)) + 1);
  });

  it('refuses a target that already holds rows, and changes nothing', async () => {
    const { url, db } = await target('occupied');
    await tsx('scripts/db-copy.ts', ['--from', source.file, '--to', url]);
    const before = await db.select().from(pgSchema.images);
    const result = await failing(tsx('scripts/db-copy.ts', ['--from', source.file, '--to', url]));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Nothing was copied: The target database already holds rows \(in [a-z_, ]*\bimages\b/m,
    );
    expect(await db.select().from(pgSchema.images)).toHaveLength(before.length);
  }, 60_000);

  it('refuses a source an older portal left without its latest migrations, and copies nothing', async () => {
    const tags = migrationTags('sqlite');
    const old = databaseBefore(tags.at(-1)!);
    const file = old.sqlite.name;
    old.sqlite.close();
    const { url, db } = await target('from_old');
    const result = await failing(tsx('scripts/db-copy.ts', ['--from', file, '--to', url]));
    expect(result.stderr).toContain(
      `has ${tags.length - 1} of this version's ${tags.length} migrations. Start this version of the portal on it once`,
    );
    // Refused before the target was touched: not even migrated.
    const tables = await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    );
    expect(tables.rows).toEqual([]);
  }, 60_000);

  it('refuses arguments that are not a SQLite file and a PostgreSQL URL', async () => {
    const swapped = await failing(tsx('scripts/db-copy.ts', ['--from', 'postgres://x@127.0.0.1/db', '--to', 'x.db']));
    expect(swapped.stderr).toContain('--from must be a SQLite file');
    const missing = await failing(tsx('scripts/db-copy.ts', ['--from', source.file]));
    expect(missing.stderr).toContain('Usage: npm run db:copy -- --from <sqlite file> --to <postgres url>');
  }, 60_000);

  it('copies the tables in an order where every foreign key already has its row', () => {
    const order = tablesInCopyOrder().map((t) => t.name);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('role_grants'));
    expect(order.indexOf('jobs')).toBeLessThan(order.indexOf('job_events'));
    expect(order).toHaveLength(new Set(order).size);
    expect(order.sort()).toEqual(
      tablesInCopyOrder()
        .map((t) => getTableName(t.sqlite))
        .sort(),
    );
  });
});

/**
 * A partition image stored before the kernel it now points at (the kernel was replaced): read in
 * storage order, the row comes before the one it references, which the copy must put first.
 */
async function addKernelReferencedBeforeItsRow(db: Db): Promise<void> {
  const base = { osType: 'linux', category: 'Linux', createdAt: new Date(), updatedAt: new Date() } as const;
  const oldKernel = crypto.randomUUID();
  const newKernel = crypto.randomUUID();
  const partition = crypto.randomUUID();
  await db
    .insert(images)
    .values({ ...base, id: oldKernel, name: 'kernel-old', diskFormat: 'aki', containerFormat: 'aki' });
  await db
    .insert(images)
    .values({ ...base, id: partition, name: 'partition', diskFormat: 'raw', kernelImageId: oldKernel });
  await db
    .insert(images)
    .values({ ...base, id: newKernel, name: 'kernel-new', diskFormat: 'aki', containerFormat: 'aki' });
  await db.update(images).set({ kernelImageId: newKernel }).where(eq(images.id, partition));
  await db.delete(images).where(eq(images.id, oldKernel));
}
