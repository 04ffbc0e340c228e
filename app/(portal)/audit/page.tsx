import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AuditEventsTable } from '@/components/audit/audit-events-table';
import { AuditFiltersForm } from '@/components/audit/audit-filters';
import { ListingNotices } from '@/components/ui/listing-notices';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/layout';
import { pageHref, Pagination } from '@/components/ui/pagination';
import { TextLink } from '@/components/ui/text-link';
import { listAuditFilterOptions, listAuditPage, readableAuditDataCenters } from '@/lib/audit/queries';
import { DEFAULT_AUDIT_PAGE_SIZE, parseAuditSearchParams } from '@/lib/audit/schemas';
import { hasAnyFilter } from '@/lib/search-params';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Audit' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  // SuperAdmins read all, DCAdmins their data centers' events (the policy's 'audit.view'); others nothing.
  const readable = readableAuditDataCenters(user);
  if (readable?.length === 0) notFound();
  const options = await listAuditFilterOptions(user);
  const known = { userIds: options.users.map((u) => u.id), actions: options.actions, targetTypes: options.targetTypes };
  const { filters, page, pageSize, ignored } = parseAuditSearchParams(await searchParams, known);
  const result = await listAuditPage(user, { ...filters, page, pageSize });
  return (
    <>
      <PageHeader
        title="Audit"
        description={
          readable === null
            ? 'Every change and every refusal in the portal, newest first. Times are UTC.'
            : 'Changes and refusals in your data centers, newest first. Times are UTC.'
        }
        actions={
          // A plain link, not a client-side navigation: the route answers with a file to save.
          <a href={pageHref('/audit/export', filters, 1)} download className={buttonClasses('secondary')}>
            Download CSV<span className="sr-only"> of the events these filters select</span>
          </a>
        }
      />
      <AuditFiltersForm filters={filters} pageSize={pageSize} options={options} />
      <ListingNotices ignored={ignored} askedPage={page} shownPage={result.page} total={result.total} what="events" />
      <AuditEventsTable
        events={result.rows}
        caption={result.pageCount > 1 ? `Audit events, page ${result.page} of ${result.pageCount}` : 'Audit events'}
        empty={
          hasAnyFilter(filters) ? (
            <>
              No events match these filters. <TextLink href="/audit">Clear filters</TextLink>
            </>
          ) : (
            'No events yet. Every change anyone makes is recorded here.'
          )
        }
      />
      <Pagination
        pathname="/audit"
        params={{ ...filters, pageSize: pageSize === DEFAULT_AUDIT_PAGE_SIZE ? undefined : pageSize }}
        page={result.page}
        pageCount={result.pageCount}
        pageSize={result.pageSize}
        total={result.total}
      />
    </>
  );
}
