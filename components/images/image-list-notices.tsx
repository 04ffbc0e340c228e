import type { ReactNode } from 'react';
import { TextLink } from '@/components/ui/text-link';
import { imageSearchParams, imagesHref, type ImageSearch } from '@/lib/images/list-schemas';

/**
 * The "Show deleted images too" switch. Deleted images are hidden by default (DESIGN §2); the switch
 * keeps every other filter and the sort. It shows only while access is the default or "all": with
 * another access filter chosen, that filter already says which images show.
 */
export function DeletedImagesToggle({ search }: { search: ImageSearch }) {
  const { access } = search.filters;
  if (access !== undefined && access !== 'all') return null;
  const params = imageSearchParams(search);
  return (
    <p className="mb-3 text-sm">
      {access === 'all' ? (
        <TextLink href={imagesHref({ ...params, access: undefined })}>Hide deleted images</TextLink>
      ) : (
        <TextLink href={imagesHref({ ...params, access: 'all' })}>Show deleted images too</TextLink>
      )}
    </p>
  );
}

/** What the page did with its URL: parameters it ignored, a page past the end. */
export function ImageListNotices({ ignored, askedPage, shownPage, total }: { ignored: string[]; askedPage: number; shownPage: number; total: number }) {
  return (
    <>
      {ignored.length > 0 && (
        <Notice>
          Ignored {ignored.length === 1 ? 'a value' : 'values'} that {ignored.length === 1 ? 'is' : 'are'} not valid here:{' '}
          {ignored.join(', ')}.
        </Notice>
      )}
      {askedPage > shownPage && total > 0 && <Notice>There is no page {askedPage} of these images; showing the last page, {shownPage}.</Notice>}
    </>
  );
}

/** A polite note about how the page read its URL; announced, but it does not interrupt. */
function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {children}
    </p>
  );
}
