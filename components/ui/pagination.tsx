import Link from 'next/link';

type Params = Record<string, string | number | undefined>;

/** Where a page link points: the search param holding the page, and the element to scroll to. */
type Target = { param?: string; fragment?: string };

/**
 * The URL of `page`, keeping every other search param (the filters, other tables' pages) as it is.
 * A page with several paged tables gives each its own `param`, and the `fragment` of its section.
 */
export function pageHref(
  pathname: string,
  params: Params,
  page: number,
  { param = 'page', fragment }: Target = {},
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key !== param && value !== undefined && value !== '') query.set(key, String(value));
  }
  // Page 1 is the default; leaving it out keeps the first page's URL the same as the bare listing.
  if (page > 1) query.set(param, String(page));
  const search = query.toString();
  return `${search ? `${pathname}?${search}` : pathname}${fragment ? `#${fragment}` : ''}`;
}

/** Which page numbers to show: the first, the last and two either side of the current one. */
function pageWindow(page: number, pageCount: number): (number | 'gap')[] {
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pageCount])]
    .filter((p) => p >= 1 && p <= pageCount)
    .sort((a, b) => a - b);
  return shown.flatMap((p, i) => (i > 0 && p - shown[i - 1]! > 1 ? ['gap' as const, p] : [p]));
}

const ITEM = 'inline-flex min-w-9 items-center justify-center rounded-md px-2.5 py-1.5 text-sm';
const LINK = `${ITEM} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600`;
const CURRENT = `${ITEM} border border-sky-700 bg-sky-700 font-medium text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600`;
const DISABLED = `${ITEM} border border-slate-200 text-slate-400`;

/**
 * "Showing 26–50 of 123" and links to the other pages of a listing. Plain links, so it works
 * without JavaScript; the search params other than `page` are carried along on every link. A page
 * with several paged tables names each navigation (`label`), so screen readers tell them apart.
 */
export function Pagination({
  pathname,
  params,
  page,
  pageCount,
  pageSize,
  total,
  label = 'Pagination',
  ...target
}: {
  pathname: string;
  params: Params;
  page: number;
  pageCount: number;
  pageSize: number;
  total: number;
  label?: string;
} & Target) {
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, total);
  const href = (p: number) => pageHref(pathname, params, p, target);
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      <p>
        Showing {first}–{last} of {total}
        {pageCount > 1 && (
          <span className="ml-2 text-slate-500">
            (Page {page} of {pageCount})
          </span>
        )}
      </p>
      {pageCount > 1 && (
        <ul className="flex flex-wrap items-center gap-1">
          <li>
            {page > 1 ? (
              <Link href={href(page - 1)} rel="prev" className={LINK}>
                Previous
              </Link>
            ) : (
              <span aria-disabled="true" className={DISABLED}>
                Previous
              </span>
            )}
          </li>
          {pageWindow(page, pageCount).map((p, i) =>
            p === 'gap' ? (
              <li key={`gap-${i}`} aria-hidden="true" className="px-1 text-slate-400">
                …
              </li>
            ) : (
              <li key={p}>
                <Link
                  href={href(p)}
                  aria-label={`Page ${p}`}
                  aria-current={p === page ? 'page' : undefined}
                  className={p === page ? CURRENT : LINK}
                >
                  {p}
                </Link>
              </li>
            ),
          )}
          <li>
            {page < pageCount ? (
              <Link href={href(page + 1)} rel="next" className={LINK}>
                Next
              </Link>
            ) : (
              <span aria-disabled="true" className={DISABLED}>
                Next
              </span>
            )}
          </li>
        </ul>
      )}
    </nav>
  );
}
