'use client';

import { TextLink } from '@/components/ui/text-link';
import { useQuery } from '@tanstack/react-query';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatBytes, formatDateTime, formatDuration } from '@/lib/format';
import { isJobActive } from '@/lib/db/enums';
import type { JobSnapshot } from '@/lib/jobs/snapshot';
import { JobControls } from './job-controls';
import { useTransferRate } from './use-transfer-rate';

/** Kinds whose progress is a byte count: the rest show only their phase. */
async function fetchJob(id: string): Promise<JobSnapshot> {
  const response = await fetch(`/api/jobs/${id}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`Could not refresh the job (HTTP ${response.status}).`);
  return response.json();
}

/** A job's progress and log, refreshed every second while it may still change. */
export function JobProgress({ initial }: { initial: JobSnapshot }) {
  const { data: job, error } = useQuery({
    queryKey: ['job', initial.id],
    queryFn: () => fetchJob(initial.id),
    initialData: initial,
    refetchInterval: (query) => (query.state.data && isJobActive(query.state.data.status) ? 1000 : false),
    // A paused job only changes when someone acts on it; this page's own actions refetch it.
  });
  const live = isJobActive(job.status);
  const rate = useTransferRate(job.bytesDone, live && job.phase === 'transfer');
  const eta = rate && job.bytesTotal ? (job.bytesTotal - job.bytesDone) / rate : null;

  return (
    <div className="space-y-6">
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <div className="mb-3 flex flex-wrap items-center gap-3">
          <span data-testid="job-status">
            <StatusBadge status={job.status} />
          </span>
          <span className="text-sm text-slate-700">
            Phase: <strong data-testid="job-phase">{job.phase ?? 'waiting'}</strong>
          </span>
          {job.attempt > 1 && (
            <span className="text-sm text-slate-500">
              attempt {job.attempt} of {job.maxAttempts}
            </span>
          )}
          {job.status === 'queued' && job.runAfter && (
            <span className="text-sm text-amber-700">retrying at {formatDateTime(new Date(job.runAfter))}</span>
          )}
          <div className="ml-auto">
            <JobControls job={job} />
          </div>
        </div>
        {job.bytesTotal !== null ? (
          <ProgressBar label="Transfer progress" value={job.bytesDone} max={job.bytesTotal} unit="bytes">
            {rate !== null && ` · ${formatBytes(rate)}/s`}
            {eta !== null && ` · about ${formatDuration(eta)} left`}
            {job.bytesTransferred > 0 && ` · ${formatBytes(job.bytesTransferred)} sent over the network in all`}
          </ProgressBar>
        ) : (
          // Before a transfer starts, and in sync and removal jobs, there is no byte count: a bar that
          // moves while they run is all there is to show.
          live && <ProgressBar label="Job progress" value={0} max={null} />
        )}
        {job.error && (
          <div
            role="alert"
            className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
            data-testid="job-error"
          >
            {job.error}
          </div>
        )}
        {error && <p className="mt-2 text-sm text-amber-700">{error.message} Retrying.</p>}
        <dl className="mt-4 grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
          <Meta label="Image">
            {job.imageId ? <TextLink href={`/images/${job.imageId}`}>{job.imageName}</TextLink> : '—'}
          </Meta>
          <Meta label="Node">
            {job.nodeId ? <TextLink href={`/nodes/${job.nodeId}`}>{job.nodeName}</TextLink> : '—'}
          </Meta>
          <Meta label="Data center">
            {job.dataCenterId ? <TextLink href={`/locations/${job.dataCenterId}`}>{job.dataCenterName}</TextLink> : '—'}
          </Meta>
          <Meta label="Started">{formatDateTime(job.startedAt ? new Date(job.startedAt) : null)}</Meta>
          <Meta label="Finished">{formatDateTime(job.finishedAt ? new Date(job.finishedAt) : null)}</Meta>
        </dl>
      </div>
      <section aria-labelledby="job-log-heading">
        <h2 id="job-log-heading" className="mb-2 text-lg font-semibold">
          Log
        </h2>
        <ol
          className="max-h-[28rem] overflow-y-auto rounded-lg bg-slate-900 p-4 font-mono text-xs text-slate-100"
          data-testid="job-log"
        >
          {job.events.map((e) => (
            <li
              key={e.id}
              className={e.level === 'error' ? 'text-red-300' : e.level === 'warn' ? 'text-amber-300' : ''}
            >
              <time className="text-slate-400">{e.at.slice(11, 19)}</time> {e.message}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
