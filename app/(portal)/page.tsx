import type { Metadata } from 'next';
import Link from 'next/link';
import { DataCenterHealth } from '@/components/overview/data-center-health';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { LiveRefresh } from '@/components/ui/live-refresh';
import { TextLink } from '@/components/ui/text-link';
import { requireUser } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { getOverview } from '@/lib/overview/queries';

export const metadata: Metadata = { title: 'Overview' };

/** The page an operator lands on; every count links to the list behind it, and it keeps itself current. */
export default async function OverviewPage() {
  const overview = await getOverview(await requireUser());
  const jobLinks: [string, number, string][] = [
    ['running', overview.jobs.running, '/jobs?status=running'],
    ['queued', overview.jobs.queued, '/jobs?status=queued'],
    ['failed in the last 24 h', overview.jobs.failedLastDay, '/jobs?status=failed'],
  ];
  return (
    <>
      <LiveRefresh everyMs={5000} />
      <PageHeader title="Overview" description="The health of your data centers, jobs and images, kept current." />
      <Section title="Data centers">
        {overview.dataCenters.length === 0 ? (
          <p className="text-sm text-slate-600">You see no data center yet.</p>
        ) : (
          <ul className="grid gap-4 md:grid-cols-2">
            {overview.dataCenters.map((dc) => (
              <DataCenterHealth key={dc.id} dataCenter={dc} />
            ))}
          </ul>
        )}
      </Section>
      <Section title="Jobs">
        <Card>
          <ul className="flex flex-wrap gap-8 text-sm" data-testid="overview-jobs">
            {jobLinks.map(([label, value, href]) => (
              <li key={label}>
                <Link href={href} className="block hover:underline">
                  <span className="block text-2xl font-semibold">{value}</span>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      </Section>
      <Section title="Images with missing or failed copies">
        {overview.troubledImages.length === 0 ? (
          <p className="text-sm text-slate-600">Every copy on every node is as recorded.</p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="overview-troubled-images">
            {overview.troubledImages.map((image) => (
              <li key={image.id}>
                <TextLink href={`/images/${image.id}`}>{image.name}</TextLink>: {image.missing} missing, {image.failed}{' '}
                failed
              </li>
            ))}
          </ul>
        )}
      </Section>
      {overview.refusals && (
        <Section title="Recent refusals">
          {overview.refusals.length === 0 ? (
            <p className="text-sm text-slate-600">Nothing was refused lately.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="overview-refusals">
              {overview.refusals.map((r) => (
                <li key={r.id}>
                  {formatDateTime(r.at)}: <span className="font-medium">{r.action}</span> refused to{' '}
                  {r.username ?? 'an anonymous caller'}
                </li>
              ))}
              <li>
                <TextLink href="/audit?outcome=denied">All refusals in the audit log</TextLink>
              </li>
            </ul>
          )}
        </Section>
      )}
    </>
  );
}
