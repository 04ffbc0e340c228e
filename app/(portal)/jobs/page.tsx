import type { Metadata } from 'next';
import { JobFilters } from '@/components/jobs/job-filters';
import { JobsTable } from '@/components/jobs/jobs-table';
import { ListingNotices } from '@/components/ui/listing-notices';
import { PageHeader } from '@/components/ui/layout';
import { Pagination } from '@/components/ui/pagination';
import { TextLink } from '@/components/ui/text-link';
import { requireUser } from '@/lib/auth/session';
import { listJobFilterOptions, listJobsPage } from '@/lib/jobs/queries';
import { DEFAULT_JOB_PAGE_SIZE, parseJobSearchParams } from '@/lib/jobs/schemas';
import { hasAnyFilter } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Jobs' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function JobsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const options = listJobFilterOptions(user);
  const known = { nodeIds: options.nodes.map((n) => n.id), imageIds: options.images.map((i) => i.id) };
  const { filters, page, pageSize, ignored } = parseJobSearchParams(await searchParams, known);
  const result = listJobsPage(user, { ...filters, page, pageSize });
  const filtered = hasAnyFilter(filters);
  return (
    <>
      <PageHeader title="Jobs" description="Installs and other long-running work, newest first." />
      <JobFilters filters={filters} pageSize={pageSize} options={options} />
      <ListingNotices ignored={ignored} askedPage={page} shownPage={result.page} total={result.total} what="jobs" />
      <JobsTable
        jobs={result.rows}
        caption={result.pageCount > 1 ? `Jobs, page ${result.page} of ${result.pageCount}` : 'Jobs'}
        empty={
          filtered ? (
            <>
              No jobs match these filters. <TextLink href="/jobs">Clear filters</TextLink>
            </>
          ) : (
            'No jobs yet. Installing an image on a node starts one.'
          )
        }
      />
      <Pagination
        pathname="/jobs"
        params={{ ...filters, pageSize: pageSize === DEFAULT_JOB_PAGE_SIZE ? undefined : pageSize }}
        page={result.page}
        pageCount={result.pageCount}
        pageSize={result.pageSize}
        total={result.total}
      />
    </>
  );
}
