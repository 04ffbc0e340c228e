import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JobProgress } from '@/components/jobs/job-progress';
import { RetryJobButton } from '@/components/jobs/retry-job-button';
import { RefreshWhenFinished } from '@/components/jobs/refresh-when-finished';
import { SyncImagesResultView } from '@/components/jobs/sync-images-result';
import { SyncSizesResultView } from '@/components/jobs/sync-sizes-result';
import { PageHeader } from '@/components/ui/layout';
import { TextLink } from '@/components/ui/text-link';
import { requireUser } from '@/lib/auth/session';
import { isJobActive } from '@/lib/db/enums';
import { mayRetryJob } from '@/lib/jobs/operations';
import { getJobView } from '@/lib/jobs/queries';
import { toJobSnapshot } from '@/lib/jobs/snapshot';
import { getNodeLabel } from '@/lib/nodes/queries';
import type { SyncImagesResult } from '@/lib/sync/result';
import type { SyncSizesResult } from '@/lib/sync/sizes-job';

export const metadata: Metadata = { title: 'Job' };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const view = await getJobView(user, id);
  if (!view) notFound();
  const snapshot = toJobSnapshot(view);
  // A relayed install (lib/install/relay/) names the node of the same data center it copied from.
  const seedId = view.job.result?.copiedFromNodeId;
  const copiedFrom = typeof seedId === 'string' ? await getNodeLabel(seedId) : null;
  // "Install ubuntu-24.04 on node-1", "Sync-images Rotterdam 1".
  const target =
    snapshot.nodeName || snapshot.imageName
      ? [snapshot.imageName, snapshot.nodeName && `on ${snapshot.nodeName}`].filter(Boolean).join(' ')
      : (snapshot.dataCenterName ?? '');
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/jobs', label: 'Jobs' }]}
        title={`${snapshot.kind[0]!.toUpperCase()}${snapshot.kind.slice(1)} ${target}`}
        description={<span className="font-mono text-xs">{snapshot.id}</span>}
        actions={(await mayRetryJob(user, view.job)) && <RetryJobButton jobId={snapshot.id} />}
      />
      {copiedFrom && (
        <p className="mb-4 text-sm text-slate-700" data-testid="copied-from">
          Copied from node <TextLink href={`/nodes/${copiedFrom.id}`}>{copiedFrom.name}</TextLink> (
          <span className="font-mono">{copiedFrom.address}</span>) over the data center&rsquo;s network.
        </p>
      )}
      <JobProgress initial={snapshot} />
      {/* Sync jobs end with a summary; it is rendered here once the job has finished. */}
      {isJobActive(snapshot.status) && <RefreshWhenFinished jobId={snapshot.id} />}
      {view.job.result?.kind === 'sync-images' && <SyncImagesResultView result={view.job.result as SyncImagesResult} />}
      {view.job.result?.kind === 'sync-sizes' && <SyncSizesResultView result={view.job.result as SyncSizesResult} />}
    </>
  );
}
