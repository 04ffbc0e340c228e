import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { getConfig } from '@/lib/config';
import { applyDataMigrations } from './data-migrations';
import { applyMigrations } from './migrate';
import { assertPostgresMigrated, openPostgres, type PgDb } from './postgres';
import * as schema from './schema';
import { sqliteConnectionOf, SqliteConnection } from './sqlite-connection';
import { usesPostgres } from './tables';

import type { Db, Tx } from './types';

export type { Db, Tx } from './types';

/**
 * Next.js compiles instrumentation, route handlers and server actions into separate bundles, each with
 * its own module scope. The connection lives on globalThis so the whole process shares one, and
 * migrations run once, on first use.
 */
const globalForDb = globalThis as unknown as { __portalDb?: Map<string, Db> };

/**
 * The database of this process. On PostgreSQL the handle is typed as SQLite's: queries are written
 * once against lib/db/tables.ts, and the awaited ones run on either (docs/architecture.md).
 */
export function getDb(): Db {
  const { database } = getConfig();
  if ((database.dialect === 'postgres') !== usesPostgres)
    throw new Error('DATABASE_URL changed after the process started; a process uses one database.');
  const key = database.dialect === 'sqlite' ? database.file : database.url;
  globalForDb.__portalDb ??= new Map();
  let db = globalForDb.__portalDb.get(key);
  if (!db) {
    db = database.dialect === 'sqlite' ? openDatabase(database.file) : (openPostgres(database.url) as unknown as Db);
    globalForDb.__portalDb.set(key, db);
  }
  return db;
}

/**
 * Opens the process's database and makes sure it can serve: SQLite migrates itself when opened;
 * PostgreSQL must have been migrated by `npm run db:migrate`.
 */
export async function openProcessDatabase(): Promise<Db> {
  const db = getDb();
  if (usesPostgres) await assertPostgresMigrated(db as unknown as PgDb);
  return db;
}

/** The SQLite file, for tools that open it themselves. */
export function sqliteFile(): string {
  const { database } = getConfig();
  if (database.dialect === 'sqlite') return database.file;
  throw new Error('DATABASE_URL names a PostgreSQL database, not a SQLite file.');
}

export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets the job runner write progress while pages read; busy_timeout rides out short write locks.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Schema and data migrations run before anything else can use the connection, synchronously.
  const migrating = drizzleSync({ client: sqlite, schema, casing: 'snake_case' });
  applyMigrations(migrating);
  applyDataMigrations(migrating);
  return new SqliteConnection(sqlite).db;
}

/**
 * The first row a query yields, or undefined: drizzle's SQLite `.get()`, written the way every
 * database runs it. Add `.limit(1)` where the query could match many rows.
 */
export async function firstRow<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0];
}

/**
 * The rows of a hand-written SQL query, where the query builder cannot say it (a recursive CTE).
 * The one place that knows how each database hands back raw rows.
 */
export async function rawRows<T>(query: SQL, db: Db | Tx = getDb()): Promise<T[]> {
  const sqlite = sqliteConnectionOf(db);
  if (sqlite) return sqlite.rows<T>(query);
  return (await (db as unknown as PgDb).execute(query)).rows as T[];
}

/** Runs a hand-written SQL statement for its effect (a lock, say), in `db` or the caller's transaction. */
export async function rawExecute(query: SQL, db: Db | Tx = getDb()): Promise<void> {
  const sqlite = sqliteConnectionOf(db);
  if (sqlite) await sqlite.execute(query);
  else await (db as unknown as PgDb).execute(query);
}

/** How many rows an awaited insert, update or delete changed, as each database reports it. */
export function changedRows(result: unknown): number {
  const { changes, rowCount } = result as { changes?: number; rowCount?: number | null };
  return changes ?? rowCount ?? 0;
}

/** Closes every open connection; for tests and scripts that end the process themselves. */
export async function closeAllDatabases(): Promise<void> {
  const open = [...(globalForDb.__portalDb?.values() ?? [])];
  globalForDb.__portalDb?.clear();
  for (const db of open) {
    const sqlite = sqliteConnectionOf(db);
    if (sqlite) sqlite.handle.close();
    else await (db as unknown as PgDb).$client.end();
  }
}
