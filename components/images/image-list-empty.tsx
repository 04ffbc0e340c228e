import { TextLink } from '@/components/ui/text-link';
import { imageSearchParams, imagesHref, type ImageSearch } from '@/lib/images/list-schemas';
import { hasAnyFilter } from '@/lib/search-params';

/**
 * What an empty Images listing says. "No images yet" only when there are none at all; when filters
 * (or the default of hiding deleted images) leave nothing, it says so and offers the way back.
 */
export function ImageListEmpty({
  search,
  anyImages,
  canCreate,
}: {
  search: ImageSearch;
  /** Whether the user has any image at all, deleted ones included. */
  anyImages: boolean;
  canCreate: boolean;
}) {
  if (hasAnyFilter(search.filters))
    return (
      <>
        No images match these filters. <TextLink href="/images">Clear filters</TextLink>
      </>
    );
  if (anyImages)
    return (
      <>
        No images match these filters: deleted images are hidden.{' '}
        <TextLink href={imagesHref({ ...imageSearchParams(search), access: 'all' })}>Show deleted images too</TextLink>
      </>
    );
  return canCreate
    ? 'No images yet. Create one with “New image”.'
    : 'No images yet: none is attached to your data centers.';
}
