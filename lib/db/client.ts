import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { getConfig } from '@/lib/config';
import { applyDataMigrations } from './data-migrations';
import { applyMigrations } from './migrate';
import * as schema from './schema';

import type { Db } from './types';

export type { Db, Tx } from './types';

/**
 * Next.js compiles instrumentation, route handlers and server actions into separate bundles, each with
 * its own module scope. The connection lives on globalThis so the whole process shares one, and
 * migrations run once, on first use.
 */
const globalForDb = globalThis as unknown as { __portalDb?: Map<string, Db> };

export function getDb(): Db {
  const file = sqliteFile();
  globalForDb.__portalDb ??= new Map();
  let db = globalForDb.__portalDb.get(file);
  if (!db) {
    db = openDatabase(file);
    globalForDb.__portalDb.set(file, db);
  }
  return db;
}

/**
 * The SQLite file the portal's processes use. PostgreSQL is there for `npm run db:migrate` and
 * `npm run db:copy` (lib/db/postgres.ts); the domain code does not run on it yet.
 */
export function sqliteFile(): string {
  const { database } = getConfig();
  if (database.dialect === 'sqlite') return database.file;
  throw new Error(
    'DATABASE_URL names a PostgreSQL database. This version runs its web processes and workers on SQLite only; ' +
      'npm run db:migrate and npm run db:copy already work with PostgreSQL (docs/deployment.md).',
  );
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
export async function rawRows<T>(query: SQL): Promise<T[]> {
  return getDb().all<T>(query);
}

/** Closes every open connection; for tests and scripts that end the process themselves. */
export function closeAllDatabases(): void {
  for (const db of globalForDb.__portalDb?.values() ?? []) db.$client.close();
  globalForDb.__portalDb?.clear();
}
