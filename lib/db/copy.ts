import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { count, getTableName, is, sql, type Table } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { SQLITE_MIGRATIONS_FOLDER } from './migrate';
import type { PgDb } from './postgres';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema-pg';

/**
 * Moves a portal from SQLite to PostgreSQL (`npm run db:copy`): every row of every table, in one
 * PostgreSQL transaction that commits only when each table holds as many rows as the source. The
 * source is only read; the target must be migrated and empty. Stored secrets are copied sealed as
 * they are: the portal reading them needs the same encryption key (PORTAL_ENCRYPTION_KEY, or the
 * key file in PORTAL_DATA_DIR).
 */

export type TableCount = { table: string; rows: number };

const BATCH_ROWS = 500;

type TablePair = { name: string; sqlite: SQLiteTable; pg: PgTable };

/** The tables, each after the tables it references, so foreign keys hold at every insert. */
export function tablesInCopyOrder(): TablePair[] {
  const pairs = (Object.values(sqliteSchema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .map((table) => {
      const name = getTableName(table);
      const pg = (Object.values(pgSchema) as unknown[]).find(
        (t): t is PgTable => is(t, PgTable) && getTableName(t) === name,
      );
      if (!pg) throw new Error(`The PostgreSQL schema has no table ${name}; run npm run db:generate.`);
      return { name, sqlite: table, pg };
    });
  const ordered: TablePair[] = [];
  const pending = new Map(pairs.map((p) => [p.name, p]));
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((p) =>
      referencedTables(p.sqlite).every((t) => !pending.has(t) || t === p.name),
    );
    if (ready.length === 0)
      throw new Error(`The tables ${[...pending.keys()].join(', ')} reference each other in a cycle.`);
    for (const p of ready) {
      ordered.push(p);
      pending.delete(p.name);
    }
  }
  return ordered;
}

function referencedTables(table: SQLiteTable): string[] {
  return sqliteTableConfig(table).foreignKeys.map((fk) => getTableName(fk.reference().foreignTable));
}

/** Opens the source read-only; refuses one an older portal left without its latest migrations. */
export function openSqliteSource(
  file: string,
): BetterSQLite3Database<typeof sqliteSchema> & { $client: Database.Database } {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist.`);
  const client = new Database(file, { readonly: true, fileMustExist: true });
  const journal = JSON.parse(fs.readFileSync(path.join(SQLITE_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  const applied = client
    .prepare(`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`)
    .get() as { n: number };
  const migrations =
    applied.n === 0 ? 0 : (client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  if (migrations !== journal.entries.length) {
    client.close();
    throw new Error(
      `${file} has ${migrations} of this version's ${journal.entries.length} migrations. Start this version of the portal ` +
        'on it once (or run npm run db:migrate with DATABASE_URL set to it), then copy it.',
    );
  }
  return drizzle({ client, schema: sqliteSchema, casing: 'snake_case' });
}

/** Copies every row; returns each table's row count, equal on both sides. Changes nothing on failure. */
export async function copySqliteToPostgres(
  source: BetterSQLite3Database<typeof sqliteSchema>,
  target: PgDb,
): Promise<TableCount[]> {
  const tables = tablesInCopyOrder();
  const occupied = [];
  for (const { name, pg } of tables) if ((await countPg(target, pg)) > 0) occupied.push(name);
  if (occupied.length > 0) {
    throw new Error(`The target database already holds rows (in ${occupied.join(', ')}); copy into an empty one.`);
  }
  return target.transaction(async (tx) => {
    const counts: TableCount[] = [];
    for (const { name, sqlite, pg } of tables) {
      const rows = selfReferencesFirst(sqlite, source.select().from(sqlite).all() as Record<string, unknown>[]);
      for (let i = 0; i < rows.length; i += BATCH_ROWS) await tx.insert(pg).values(rows.slice(i, i + BATCH_ROWS));
      await continueIdentity(tx as unknown as PgDb, pg);
      const copied = await countPg(tx as unknown as PgDb, pg);
      if (copied !== rows.length) throw new Error(`${name}: ${rows.length} rows read, but ${copied} in the target.`);
      counts.push({ table: name, rows: copied });
    }
    return counts;
  });
}

async function countPg(db: PgDb, table: PgTable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table as Table as PgTable);
  return Number(row!.n);
}

/**
 * Rows of a table that references itself (an image's kernel and ramdisk are images) are put in an
 * order where each comes after the rows it points at.
 */
function selfReferencesFirst(table: SQLiteTable, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const self = sqliteTableConfig(table)
    .foreignKeys.map((fk) => fk.reference())
    .filter((ref) => ref.foreignTable === table)
    .map((ref) => ({ from: ref.columns[0]!.name, to: ref.foreignColumns[0]!.name }));
  if (self.length === 0) return rows;
  const ordered: Record<string, unknown>[] = [];
  const placed = new Set<unknown>();
  let pending = rows;
  while (pending.length > 0) {
    const ready = pending.filter((row) => self.every(({ from }) => row[from] == null || placed.has(row[from])));
    if (ready.length === 0) throw new Error(`Rows of ${getTableName(table)} reference rows that are not there.`);
    for (const row of ready) for (const { to } of self) placed.add(row[to]);
    ordered.push(...ready);
    pending = pending.filter((row) => !ready.includes(row));
  }
  return ordered;
}

/** Identity columns go on after the highest copied value, so the next insert does not collide. */
async function continueIdentity(db: PgDb, table: PgTable): Promise<void> {
  const name = getTableName(table);
  for (const column of pgTableConfig(table).columns) {
    if (!column.generatedIdentity) continue;
    const columnName = column.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    await db.execute(
      sql`select setval(pg_get_serial_sequence(${`"${name}"`}, ${columnName}), (select coalesce(max(${sql.identifier(columnName)}), 0) + 1 from ${sql.identifier(name)}), false)`,
    );
  }
}
