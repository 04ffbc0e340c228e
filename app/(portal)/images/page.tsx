import type { Metadata } from 'next';
import { ImageListFilters } from '@/components/images/image-list-filters';
import { DeletedImagesToggle } from '@/components/images/deleted-images-toggle';
import { ListingNotices } from '@/components/ui/listing-notices';
import { ImageListEmpty } from '@/components/images/image-list-empty';
import { ImageListTable } from '@/components/images/image-list-table';
import { BulkPublishForm } from '@/components/publish/bulk-publish-form';
import { LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/layout';
import { Pagination } from '@/components/ui/pagination';
import { RefreshWhile } from '@/components/ui/refresh-while';
import { requireUser } from '@/lib/auth/session';
import { imageSearchParams, parseImageSearchParams } from '@/lib/images/list-schemas';
import { imagesInMotion, listImageFilterOptions, listImagesPage } from '@/lib/images/listing';
import { imageBindingChoices } from '@/lib/images/queries';
import { listBulkPublishAccounts } from '@/lib/clouds/queries';
import { listDataCenters } from '@/lib/locations/queries';

export const metadata: Metadata = { title: 'Images' };

type SearchParams = Record<string, string | string[] | undefined>;

/** The image catalogue, paged, sorted and filtered on the server (lib/images/listing.ts). */
export default async function ImagesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const dataCenters = await listDataCenters(user);
  const { ignored, ...search } = parseImageSearchParams(await searchParams, {
    dataCenterIds: dataCenters.map((dc) => dc.id),
  });
  // Independent reads, side by side: on PostgreSQL each has a connection of its own.
  const [result, filterOptions, choices, publishAccounts] = await Promise.all([
    listImagesPage(user, {
      ...search.filters,
      ...search.order,
      page: search.page,
      pageSize: search.pageSize,
      // An ImageAdmin also sees the public global images they may attach, read-only.
      includeAttachable: true,
    }),
    listImageFilterOptions(user, { includeAttachable: true }),
    imageBindingChoices(user),
    listBulkPublishAccounts(user),
  ]);
  const options = { ...filterOptions, dataCenters };
  const canCreate = choices.global || choices.dataCenters.length > 0;
  const publishable = result.rows.filter((r) => !r.attachableOnly && r.status === 'ok');
  const inMotion = await imagesInMotion(
    user,
    result.rows.map((r) => r.id),
  );
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
          <ImageListEmpty
            search={search}
            canCreate={canCreate}
            anyImages={
              result.total > 0 || (await listImagesPage(user, { access: 'all', includeAttachable: true })).total > 0
            }
          />
        }
      />
      {/* An upload, an import or an install under way changes rows here; they update until none does. */}
      <RefreshWhile active={inMotion} />
      <Pagination
        pathname="/images"
        params={imageSearchParams(search)}
        page={result.page}
        pageCount={result.pageCount}
        pageSize={result.pageSize}
        total={result.total}
      />
      {publishAccounts.length > 0 && publishable.length > 0 && (
        <BulkPublishForm accounts={publishAccounts} images={publishable} />
      )}
    </>
  );
}
