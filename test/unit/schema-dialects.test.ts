import fs from 'node:fs';
import { getTableName, is, SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '@/lib/db/schema';
import * as pgSchema from '@/lib/db/schema-pg';
import { PG_SCHEMA_FILE, pgSchemaSource } from '@/scripts/generate-pg-schema';

/**
 * The SQLite schema is the one source of truth; the PostgreSQL one is generated from it. These
 * tests keep the two from drifting: the generated file is current, and the two definitions agree
 * table by table and column by column, with each column's type mapped as the generator promises.
 */

/** The PostgreSQL column type each SQLite one becomes (scripts/generate-pg-schema.ts). */
const TYPE_MAP: Record<string, string[]> = {
  SQLiteText: ['PgText'],
  SQLiteInteger: ['PgInteger', 'PgBigInt53'],
  SQLiteTimestamp: ['PgCustomColumn'],
  SQLiteBoolean: ['PgBoolean'],
  SQLiteTextJson: ['PgJsonb'],
};

/** An SQL fragment's text, without what only one dialect needs (a cast, a collation spelled its way). */
function sqlText(value: unknown): string {
  if (!is(value, SQL)) return JSON.stringify(value);
  const text = value.queryChunks
    .map((chunk) => ('value' in (chunk as object) ? (chunk as { value: string[] }).value.join('') : '?'))
    .join('');
  return text.replace(/::jsonb$/, '');
}

type AnyColumn = SQLiteColumn | PgColumn;
type Config = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;

/** What both dialects must agree on, apart from the column types. */
function shape(config: Config) {
  const column = (c: AnyColumn) => ({
    name: c.name,
    notNull: c.notNull,
    primary: c.primary,
    unique: c.isUnique,
    hasDefault: c.hasDefault,
    default: c.default === undefined ? undefined : sqlText(c.default),
    enumValues: c.enumValues ?? null,
  });
  return {
    name: config.name,
    columns: (config.columns as AnyColumn[]).map(column),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return {
          columns: ref.columns.map((c) => c.name),
          table: getTableName(ref.foreignTable),
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? 'no action',
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    indexes: config.indexes.map((index) => ({
      name: index.config.name,
      unique: index.config.unique,
      columns: index.config.columns.map((c) => (is(c, SQL) ? 'expression' : (c as AnyColumn).name)),
      where: index.config.where ? sqlText(index.config.where) : null,
    })),
  };
}

const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable));
const pgTables = (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => is(t, PgTable));

describe('the PostgreSQL schema', () => {
  it('is the one scripts/generate-pg-schema.ts makes from the SQLite schema now (npm run db:generate)', async () => {
    const expected = await pgSchemaSource(fs.readFileSync('lib/db/schema.ts', 'utf8'));
    expect(fs.readFileSync(PG_SCHEMA_FILE, 'utf8')).toBe(expected);
  });

  it('has the same tables, exported under the same names', () => {
    const names = (schema: object, table: typeof SQLiteTable | typeof PgTable) =>
      Object.entries(schema)
        .filter(([, t]) => is(t, table))
        .map(([name, t]) => `${name}=${getTableName(t as SQLiteTable)}`)
        .sort();
    expect(names(pgSchema, PgTable)).toEqual(names(sqliteSchema, SQLiteTable));
    expect(sqliteTables.length).toBeGreaterThan(15);
  });

  it.each(sqliteTables.map((t) => [getTableName(t), t] as const))('agrees on %s column by column', (name, table) => {
    const pgTable = pgTables.find((t) => getTableName(t) === name)!;
    const sqlite = sqliteTableConfig(table);
    const pg = pgTableConfig(pgTable);
    expect(shape(pg)).toEqual(shape(sqlite));
    for (const [i, column] of sqlite.columns.entries()) {
      expect(TYPE_MAP[column.columnType], `${name}.${column.name}`).toContain(pg.columns[i]!.columnType);
    }
  });

  it('keeps byte counts in 64 bits, where 32 would overflow past 2 GiB', () => {
    const images = pgTableConfig(pgSchema.images).columns;
    expect(images.find((c) => c.name === 'sizeBytes')!.columnType).toBe('PgBigInt53');
    expect(pgTableConfig(pgSchema.jobs).columns.find((c) => c.name === 'bytesDone')!.columnType).toBe('PgBigInt53');
  });
});

describe('lib/db/tables.ts', () => {
  it('exports every table of the schema, so the domain code finds each one there', async () => {
    const tables = await import('@/lib/db/tables');
    for (const name of Object.keys(sqliteSchema)) expect(tables, name).toHaveProperty(name);
    expect(tables.usesPostgres).toBe(false);
  });
});
