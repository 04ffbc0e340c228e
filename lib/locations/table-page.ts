import 'server-only';
import { z } from 'zod';
import type { RawParams } from '@/lib/search-params';

/**
 * The paged tables of Location Details and Node Details. Each table keeps its page in a search
 * param of its own (`imagesPage=3`), so paging one leaves the others where they were, and a link
 * to a page can be shared.
 */

/** Rows per page of every such table: enough to scan, few enough that a page stays light at scale. */
export const TABLE_PAGE_SIZE = 25;
// Far beyond any real table; it only keeps absurd numbers out of the OFFSET arithmetic.
const MAX_PAGE = 1_000_000;

export type TablePage<T> = {
  rows: T[];
  total: number;
  /** The page shown: the one asked for, or the last one when that is past the end. */
  page: number;
  pageSize: number;
  pageCount: number;
};

const pageNumber = z.coerce.number().int().min(1).max(MAX_PAGE);

/**
 * The page of each table that the URL asks for. The URL is anyone's to edit, so a value that is not
 * a page number means the first page rather than an error.
 */
export function requestedPages<K extends string>(raw: RawParams, params: readonly K[]): Record<K, number> {
  const first = (key: string) => (Array.isArray(raw[key]) ? raw[key][0] : raw[key]);
  return Object.fromEntries(params.map((param) => [param, pageNumber.safeParse(first(param)).data ?? 1])) as Record<
    K,
    number
  >;
}

/** One page of a table of `total` rows; `load` reads the rows of the page shown. */
export async function tablePage<T>(
  total: number,
  asked: number,
  load: (limit: number, offset: number) => Promise<T[]>,
  pageSize = TABLE_PAGE_SIZE,
): Promise<TablePage<T>> {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  // A page past the end (a stale link after rows went away) shows the last one.
  const page = Math.min(Math.max(1, Math.trunc(asked)), pageCount);
  const rows = total === 0 ? [] : await load(pageSize, (page - 1) * pageSize);
  return { rows, total, page, pageSize, pageCount };
}

/** What a user who may not see the table gets: nothing, on the one page there is. */
export function emptyTablePage<T>(): TablePage<T> {
  return { rows: [], total: 0, page: 1, pageSize: TABLE_PAGE_SIZE, pageCount: 1 };
}
