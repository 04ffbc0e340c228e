import { Pagination } from '@/components/ui/pagination';

type Table = { page: number; pageCount: number; pageSize: number; total: number };

/**
 * The page links under one of the paged tables of a details page. Each table keeps its page in a
 * search param of its own, so the links carry the other tables' pages along, and land on the
 * table's section rather than the top of the page.
 */
export function TablePagination({
  pathname,
  pages,
  param,
  table,
  label,
  section,
}: {
  pathname: string;
  /** Every table's page, by its search param. */
  pages: Record<string, number>;
  param: string;
  table: Table;
  /** Names the navigation, so screen readers tell one table's pages from another's. */
  label: string;
  /** The id of the table's section. */
  section: string;
}) {
  // The first page is the default; leaving it out keeps the links short.
  const params = Object.fromEntries(Object.entries(pages).map(([key, page]) => [key, page > 1 ? page : undefined]));
  return (
    <Pagination
      pathname={pathname}
      params={params}
      param={param}
      fragment={section}
      label={label}
      page={table.page}
      pageCount={table.pageCount}
      pageSize={table.pageSize}
      total={table.total}
    />
  );
}
