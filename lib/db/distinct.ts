import 'server-only';
import { and, isNotNull, sql, type Column, type SQL } from 'drizzle-orm';
import { rawRows } from './client';

/**
 * The distinct values of an indexed text column among the rows of `from` that `where` lets through,
 * in order. Neither SQLite nor PostgreSQL skips through an index for `DISTINCT`: both read every
 * row. This finds the least value through the column's index, then each next one as the least
 * value above it (a recursive query), so it reads about one index entry per value, not one per
 * row. Rows `where` turns away are stepped over: at worst one pass over the index.
 */
export async function distinctValues(column: Column, from: SQL, where?: SQL): Promise<string[]> {
  const least = (above: SQL) =>
    sql`(select ${column} from ${from} where ${and(above, where)} order by ${column} limit 1)`;
  const rows = await rawRows<{ value: string }>(
    sql`with recursive found(value) as (
      select ${least(isNotNull(column))}
      union all
      select ${least(sql`${column} > found.value`)} from found where found.value is not null
    )
    select value from found where value is not null order by value`,
  );
  return rows.map((row) => row.value);
}
