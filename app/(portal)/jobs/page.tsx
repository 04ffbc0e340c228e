import type { Metadata } from 'next';
import { JobFilters } from '@/components/jobs/job-filters';
import { JobRunners, NoRunnerNotice } from '@/components/jobs/job-runners';
import { JobsTable } from '@/components/jobs/jobs-table';
import { ListingNotices } from '@/components/ui/listing-notices';
import { PageHeader } from '@/components/ui/layout';
import { RefreshWhile } from '@/components/ui/refresh-while';
import { Pagination } from '@/components/ui/pagination';
import { TextLink } from '@/components/ui/text-link';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { isJobActive } from '@/lib/db/enums';
import { getJobFilterChoices, jobFilterImageLabel, listJobsPage } from '@/lib/jobs/queries';
import { listLiveRunners } from '@/lib/jobs/runners';
import { DEFAULT_JOB_PAGE_SIZE, parseJobSearchParams } from '@/lib/jobs/schemas';
import { firstValue, hasAnyFilter } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Jobs' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function JobsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const raw = await searchParams;
  const { options, image, choices } = await getJobFilterChoices(user, firstValue(raw.imageId));
  const { filters, page, pageSize, ignored } = parseJobSearchParams(raw, choices);
  const result = await listJobsPage(user, { ...filters, page, pageSize });
  const filtered = hasAnyFilter(filters);
  const runners = await listLiveRunners();
  return (
    <>
      <PageHeader title="Jobs" description="Installs and other long-running work, newest first." />
      <JobFilters
        filters={filters}
        pageSize={pageSize}
        options={options}
        // The Image field shows the image filtered by, by name.
        image={image && { value: image.id, label: jobFilterImageLabel(image) }}
      />
      {runners.length === 0 && result.rows.some((r) => r.job.status === 'queued') && <NoRunnerNotice />}
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
      {/* Queued and running jobs move on: their rows update until none on this page does. */}
      <RefreshWhile active={result.rows.some((r) => isJobActive(r.job.status))} />
      <Pagination
        pathname="/jobs"
        params={{ ...filters, pageSize: pageSize === DEFAULT_JOB_PAGE_SIZE ? undefined : pageSize }}
        page={result.page}
        pageCount={result.pageCount}
        pageSize={result.pageSize}
        total={result.total}
      />
      {can(user, 'infrastructure.manage', {}) && <JobRunners runners={runners} />}
    </>
  );
}
