import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';
import * as pgSchema from './schema-pg';

/**
 * PostgreSQL through node-postgres: the same tables as SQLite (lib/db/schema-pg.ts, derived from
 * lib/db/schema.ts), migrated from drizzle/pg. Used by `npm run db:migrate` and `npm run db:copy`.
 * No `server-only` here: the scripts load it outside Next.js.
 */

export type PgDb = NodePgDatabase<typeof pgSchema> & { $client: Pool };

export function openPostgres(url: string): PgDb {
  const pool = new Pool({ connectionString: url, max: 4 });
  // An idle connection the server drops (a restart, a failover) must not crash the process; the
  // pool opens a new one for the next query.
  pool.on('error', (err) => console.error(`[portal] A PostgreSQL connection was lost: ${err.message}`));
  return drizzle({ client: pool, schema: pgSchema, casing: 'snake_case' }) as PgDb;
}

export const PG_MIGRATIONS_FOLDER = path.join(process.cwd(), 'drizzle', 'pg');

/** Applies the migrations the database does not have yet; returns how many it has now and how many it applied. */
export async function migratePostgres(db: PgDb): Promise<{ applied: number; total: number }> {
  const before = await appliedPostgresMigrations(db);
  await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
  const total = await appliedPostgresMigrations(db);
  return { applied: total - before, total };
}

async function appliedPostgresMigrations(db: PgDb): Promise<number> {
  const { rows } = await db.execute<{ count: string }>(
    sql`select count(*) as count from information_schema.tables where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`,
  );
  if (Number(rows[0]!.count) === 0) return 0;
  const applied = await db.execute<{ count: string }>(sql`select count(*) as count from drizzle.__drizzle_migrations`);
  return Number(applied.rows[0]!.count);
}

/**
 * Refuses to run on a PostgreSQL database that lacks migrations this version has: on PostgreSQL
 * they are applied by `npm run db:migrate`, as a deliberate step, never by a starting process.
 */
export async function assertPostgresMigrated(db: PgDb): Promise<void> {
  const journal = JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  const applied = await appliedPostgresMigrations(db);
  if (applied < journal.entries.length)
    throw new Error(
      `The PostgreSQL database has ${applied} of this version's ${journal.entries.length} migrations: run npm run db:migrate first.`,
    );
}
