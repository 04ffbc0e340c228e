import type { Metadata } from 'next';
import { ImageListFilters } from '@/components/images/image-list-filters';
import { DeletedImagesToggle } from '@/components/images/deleted-images-toggle';
import { ListingNotices } from '@/components/ui/listing-notices';
import { ImageListTable } from '@/components/images/image-list-table';
import { LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/layout';
import { Pagination } from '@/components/ui/pagination';
import { TextLink } from '@/components/ui/text-link';
import { requireUser } from '@/lib/auth/session';
import { imageSearchParams, parseImageSearchParams } from '@/lib/images/list-schemas';
import { hasAnyFilter } from '@/lib/search-params';
import { listImageFilterOptions, listImagesPage } from '@/lib/images/listing';
import { imageBindingChoices } from '@/lib/images/queries';
import { listDataCenters } from '@/lib/locations/queries';

export const metadata: Metadata = { title: 'Images' };

type SearchParams = Record<string, string | string[] | undefined>;

/** The image catalogue, paged, sorted and filtered on the server (lib/images/listing.ts). */
export default async function ImagesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const dataCenters = listDataCenters(user);
  const { ignored, ...search } = parseImageSearchParams(await searchParams, {
    dataCenterIds: dataCenters.map((dc) => dc.id),
  });
  const result = listImagesPage(user, {
    ...search.filters,
    ...search.order,
    page: search.page,
    pageSize: search.pageSize,
  });
  const options = { ...listImageFilterOptions(user), dataCenters };
  const choices = imageBindingChoices(user);
  const canCreate = choices.global || choices.dataCenters.length > 0;
  return (
    <>
      <PageHeader
        title="Images"
        description="OS disk images and where they may be installed."
        actions={canCreate && <LinkButton href="/images/new">New image</LinkButton>}
      />
      <ImageListFilters search={search} options={options} />
      <DeletedImagesToggle search={search} />
      <ListingNotices
        ignored={ignored}
        askedPage={search.page}
        shownPage={result.page}
        total={result.total}
        what="images"
      />
      <ImageListTable
        rows={result.rows}
        search={search}
        aliasCounts={result.aliasCounts}
        caption={result.pageCount > 1 ? `Images, page ${result.page} of ${result.pageCount}` : 'Images'}
        empty={
          hasAnyFilter(search.filters) ? (
            <>
              No image matches these filters. <TextLink href="/images">Clear filters</TextLink>
            </>
          ) : canCreate ? (
            'No images yet. Create one with “New image”.'
          ) : (
            'No images are attached to your data centers.'
          )
        }
      />
      <Pagination
        pathname="/images"
        params={imageSearchParams(search)}
        page={result.page}
        pageCount={result.pageCount}
        pageSize={result.pageSize}
        total={result.total}
      />
    </>
  );
}
