import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { getConfig } from '@/lib/config';
import { applyDataMigrations } from './data-migrations';
import { applyMigrations } from './migrate';
import { openPostgres, type PgDb } from './postgres';
import * as schema from './schema';
import { usesPostgres } from './tables';

import type { Db } from './types';

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
 * Stops a web process or worker that would run on PostgreSQL: part of the domain code still makes
 * synchronous SQLite calls. `npm run db:migrate` and `npm run db:copy` work with it already.
 */
export function assertRunnableDatabase(): void {
  if (getConfig().database.dialect === 'sqlite') return;
  throw new Error(
    'DATABASE_URL names a PostgreSQL database. This version runs its web processes and workers on SQLite only; ' +
      'npm run db:migrate and npm run db:copy already work with PostgreSQL (docs/deployment.md).',
  );
}

/**
 * A PostgreSQL transaction, its handle typed as the domain's. The body may await: on PostgreSQL a
 * transaction owns its connection of the pool, so no other statement can run inside it.
 */
export function postgresTransaction<T>(body: (tx: Db) => Promise<T>): Promise<T> {
  if (!usesPostgres) throw new Error('postgresTransaction needs PostgreSQL.');
  return (getDb() as unknown as PgDb).transaction((tx) => body(tx as unknown as Db));
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
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' }) as Db;
  writeLockFirst(db);
  applyMigrations(db);
  applyDataMigrations(db);
  return db;
}

/**
 * Several processes may share the database. In WAL mode a deferred transaction that reads and then
 * writes fails at once (SQLITE_BUSY_SNAPSHOT) when another process wrote in between, whatever the
 * busy timeout; an immediate one takes the write lock at its start and waits its turn. So every
 * transaction is immediate unless its caller says otherwise. (They are also synchronous, as
 * better-sqlite3's are: no other statement can run inside one.)
 */
function writeLockFirst(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) => transaction(run, { behavior: 'immediate', ...config })) as Db['transaction'];
}

/**
 * The first row a query yields, or undefined: SQLite's `.get()`, written the way every database
 * runs it. The domain code awaits its queries (`await db.select()…`), so it does not depend on
 * better-sqlite3 answering synchronously. Add `.limit(1)` where the query could match many rows.
 */
export async function firstRow<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0];
}

/**
 * The rows of a hand-written SQL query, where the query builder cannot say it (a recursive CTE).
 * The one place that knows how each database hands back raw rows.
 */
export async function rawRows<T>(query: SQL, db: Db = getDb()): Promise<T[]> {
  if (usesPostgres) return (await (db as unknown as PgDb).execute(query)).rows as T[];
  return db.all<T>(query);
}

/** Runs a hand-written SQL statement for its effect (a lock, say), in `db` or the caller's transaction. */
export async function rawExecute(query: SQL, db: Db = getDb()): Promise<void> {
  if (usesPostgres) await (db as unknown as PgDb).execute(query);
  else db.run(query);
}

/** Closes every open connection; for tests and scripts that end the process themselves. */
export async function closeAllDatabases(): Promise<void> {
  const open = [...(globalForDb.__portalDb?.values() ?? [])];
  globalForDb.__portalDb?.clear();
  for (const db of open) {
    const client = db.$client as Database.Database | PgDb['$client'];
    if ('end' in client) await client.end();
    else client.close();
  }
}
