import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DeleteRepositoryButton } from '@/components/repositories/delete-repository-button';
import { RefreshButton } from '@/components/repositories/refresh-button';
import { RemoteImageFilters } from '@/components/repositories/remote-image-filters';
import { RemoteImagesTable } from '@/components/repositories/remote-images-table';
import { RepositoryForm } from '@/components/repositories/repository-form';
import { Card, Details, PageHeader, Section } from '@/components/ui/layout';
import { ListingNotices } from '@/components/ui/listing-notices';
import { Pagination } from '@/components/ui/pagination';
import { RefreshWhile } from '@/components/ui/refresh-while';
import { TextLink } from '@/components/ui/text-link';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { importsUnderWay } from '@/lib/images/listing';
import { browseRepository, parseRemoteImageSearch, REMOTE_PAGE_SIZE } from '@/lib/repositories/browse';
import { importTargets } from '@/lib/repositories/queries';
import { hasAnyFilter, type RawParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Browse repository' };

export default async function RepositoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawParams>;
}) {
  const user = await requireUser();
  const { id } = await params;
  const { filters, page, ignored } = parseRemoteImageSearch(await searchParams);
  const listing = await browseRepository(user, id, filters, page);
  if (!listing) notFound();
  const { repository } = listing;
  const pathname = `/repositories/${repository.id}`;
  const manageable = can(user, 'repository.manage', {});
  return (
    <>
      <PageHeader
        title={repository.name}
        breadcrumb={[{ href: '/repositories', label: 'Image repositories' }]}
        description={repository.url}
        actions={
          <>
            <RefreshButton repository={repository} />
            {manageable && <DeleteRepositoryButton repository={repository} />}
          </>
        }
      />
      <Details
        items={[
          ['Last refreshed', repository.lastRefreshedAt ? formatDateTime(repository.lastRefreshedAt) : 'never'],
          ['Images', repository.imageCount ?? '—'],
          ['Last error', repository.lastError ?? 'none'],
        ]}
      />
      <Section title="Images">
        <RemoteImageFilters pathname={pathname} filters={filters} options={listing.options} />
        <ListingNotices
          ignored={ignored}
          askedPage={page}
          shownPage={listing.page}
          total={listing.total}
          what="images"
        />
        <RemoteImagesTable
          repositoryId={repository.id}
          rows={listing.rows}
          targets={await importTargets(user)}
          caption={`Images in ${repository.name}`}
          empty={
            hasAnyFilter(filters) ? (
              <>
                No images match these filters. <TextLink href={pathname}>Clear filters</TextLink>
              </>
            ) : repository.lastRefreshedAt ? (
              'The repository listed no images at its last refresh.'
            ) : (
              'Not refreshed yet. Refresh to read its images.'
            )
          }
        />
        <Pagination
          pathname={pathname}
          params={filters}
          page={listing.page}
          pageCount={listing.pageCount}
          pageSize={REMOTE_PAGE_SIZE}
          total={listing.total}
        />
        {/* "Here" changes when an import ends: the rows update until no import is under way. */}
        <RefreshWhile active={await importsUnderWay(user)} />
      </Section>
      {manageable && (
        <Section title="Change this repository">
          <Card>
            <RepositoryForm repository={repository} />
          </Card>
        </Section>
      )}
    </>
  );
}
