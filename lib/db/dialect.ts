import { sql, type Column, type SQL, type SQLWrapper } from 'drizzle-orm';
import { rawExecute, type Tx } from './client';
import { usesPostgres } from './tables';

/**
 * The few SQL phrases SQLite and PostgreSQL say differently, each said once. Queries use these
 * instead of writing one dialect's words, so the same query runs on both.
 */

/**
 * The column, kept off its index: SQLite's unary `+` makes its planner pick a better index for a
 * query (the comment at each use says which). PostgreSQL's planner needs no such hint.
 */
export function notIndexed(column: Column): SQL {
  return usesPostgres ? sql`${column}` : sql`+${column}`;
}

/** How many rows of a group meet the condition (0 for none), as a number on both. */
export function countWhere(condition: SQL): SQL<number> {
  return sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`.mapWith(Number);
}

/** A count(*) or other bigint aggregate, read as a number (node-postgres hands bigints back as strings). */
export function asNumber(expression: SQLWrapper): SQL<number> {
  return sql<number>`${expression}`.mapWith(Number);
}

/** Whether the text column contains `part`, case-sensitively, with no wildcard characters to escape. */
export function containsExactly(column: Column, part: string): SQL {
  return usesPostgres ? sql`strpos(${column}, ${part}) > 0` : sql`instr(${column}, ${part}) > 0`;
}

/**
 * `column LIKE pattern`, case-insensitive for ASCII letters as SQLite's LIKE is; `pattern` escapes
 * its wildcards with a backslash.
 */
export function likeIgnoringCase(column: Column, pattern: string): SQL {
  return usesPostgres ? sql`${column} ilike ${pattern} escape '\\'` : sql`${column} like ${pattern} escape '\\'`;
}

/** The column for ordering without regard to case (SQLite's NOCASE; the index on lower() on PostgreSQL). */
export function ignoringCase(column: Column): SQL {
  return usesPostgres ? sql`lower(${column})` : sql`${column} collate nocase`;
}

/** The text of a top-level key of a JSON object column. */
export function jsonText(column: Column, key: string): SQL {
  return usesPostgres ? sql`${column} ->> ${key}` : sql`json_extract(${column}, ${`$.${key}`})`;
}

/** A boolean column's value as written in hand-written SQL: SQLite stores 1 and 0. */
export function isTrue(column: Column): SQL {
  return usesPostgres ? sql`${column} = true` : sql`${column} = 1`;
}

/**
 * ORDER BY one column, with nulls where SQLite puts them (first ascending, last descending), so a
 * listing reads the same on both. A column that is never null gets no NULLS clause: on PostgreSQL
 * one that differs from its index's (last ascending) would keep the index from serving the order,
 * and the whole table would be sorted for one page.
 */
export function orderedBy(column: Column | SQL, direction: 'asc' | 'desc', { nullable }: { nullable: boolean }): SQL {
  if (!usesPostgres || !nullable) return direction === 'asc' ? sql`${column} asc` : sql`${column} desc`;
  return direction === 'asc' ? sql`${column} asc nulls first` : sql`${column} desc nulls last`;
}

/**
 * Puts transactions that name the same lock in a row, until each commits. SQLite needs nothing:
 * its transactions are immediate, one writer at a time. PostgreSQL runs them side by side, where
 * two could each count the same rows and both act on the count: a transaction-scoped advisory
 * lock keyed by the name stops that.
 */
export async function lockForTransaction(tx: Tx, name: string): Promise<void> {
  if (usesPostgres) await rawExecute(sql`select pg_advisory_xact_lock(hashtext(${name}))`, tx);
}
