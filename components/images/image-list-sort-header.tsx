import Link from 'next/link';
import {
  DEFAULT_DIRECTION,
  imageSearchParams,
  imagesHref,
  type ImageSearch,
  type ImageSort,
} from '@/lib/images/list-schemas';

const TH = 'px-4 py-2.5 text-left font-semibold whitespace-nowrap text-slate-700';

/**
 * A column header that sorts the listing: a plain link, so it works from the keyboard and without
 * JavaScript. The current column says its direction through aria-sort; choosing it again reverses
 * it, and another column starts in its own natural direction (A to Z, newest, largest).
 */
export function SortHeader({ label, column, search }: { label: string; column: ImageSort; search: ImageSearch }) {
  const { sort, dir } = search.order;
  const current = sort === column;
  const next = current ? (dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIRECTION[column];
  // A new sort starts again on the first page (the page is left out of the URL).
  const href = imagesHref(imageSearchParams({ ...search, order: { ...search.order, sort: column, dir: next } }));
  return (
    <th scope="col" aria-sort={current ? (dir === 'asc' ? 'ascending' : 'descending') : undefined} className={TH}>
      <Link
        href={href}
        // The header's aria-sort says how it is sorted now; the link says what choosing it does.
        aria-label={`${label}, sort ${next === 'asc' ? 'ascending' : 'descending'}`}
        className="whitespace-nowrap text-slate-700 hover:text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {label}
        <span aria-hidden="true" className={`ml-1 ${current ? 'text-sky-700' : 'text-slate-300'}`}>
          {current && dir === 'desc' ? '▼' : '▲'}
        </span>
      </Link>
    </th>
  );
}

/** A header that does not sort. */
export function PlainHeader({ label }: { label: string }) {
  return (
    <th scope="col" className={TH}>
      {label}
    </th>
  );
}
