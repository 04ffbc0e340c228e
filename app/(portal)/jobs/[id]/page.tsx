import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JobProgress } from '@/components/jobs/job-progress';
import { PageHeader } from '@/components/ui/layout';
import { requireUser } from '@/lib/auth/session';
import { getJobView } from '@/lib/jobs/queries';
import { toJobSnapshot } from '@/lib/jobs/snapshot';

export const metadata: Metadata = { title: 'Job' };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const view = getJobView(user, id);
  if (!view) notFound();
  const snapshot = toJobSnapshot(view);
  const target = [snapshot.imageName, snapshot.nodeName && `on ${snapshot.nodeName}`].filter(Boolean).join(' ');
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/jobs', label: 'Jobs' }]}
        title={`${snapshot.kind[0]!.toUpperCase()}${snapshot.kind.slice(1)} ${target}`}
        description={<span className="font-mono text-xs">{snapshot.id}</span>}
      />
      <JobProgress initial={snapshot} />
    </>
  );
}
