import { TextLink } from '@/components/ui/text-link';
import { imageSearchParams, imagesHref, type ImageSearch } from '@/lib/images/list-schemas';

/**
 * The "Show deleted images too" switch. Deleted images are hidden by default; the switch
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
