import type { ReactNode } from 'react';

/**
 * What a listing did with its URL: values it ignored, a page past the end (it shows the last one).
 * Polite notes, announced to screen readers without interrupting.
 */
export function ListingNotices({
  ignored,
  askedPage,
  shownPage,
  total,
  what,
}: {
  ignored: string[];
  askedPage: number;
  shownPage: number;
  total: number;
  what: string;
}) {
  return (
    <>
      {ignored.length > 0 && (
        <Notice>
          Ignored {ignored.length === 1 ? 'a value' : 'values'} that {ignored.length === 1 ? 'is' : 'are'} not valid
          here: {ignored.join(', ')}.
        </Notice>
      )}
      {askedPage > shownPage && total > 0 && (
        <Notice>
          There is no page {askedPage} of these {what}; showing the last page, {shownPage}.
        </Notice>
      )}
    </>
  );
}

function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {children}
    </p>
  );
}
