'use client';

import { useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { cancelJobAction, pauseJobAction, resumeJobAction } from '@/lib/jobs/actions';
import type { ActionResult } from '@/lib/actions/operation';
import type { JobSnapshot } from '@/lib/jobs/snapshot';

/** Pause, resume and cancel, offered only where they can work; the server decides again anyway. */
export function JobControls({ job }: { job: JobSnapshot }) {
  const queryClient = useQueryClient();
  const { pending, error, run } = useServerAction(() => queryClient.invalidateQueries({ queryKey: ['job', job.id] }));
  const stopping = job.controlRequest !== null;
  const canPause = job.pausable && !stopping && (job.status === 'running' || job.status === 'queued');
  const canCancel =
    !stopping && (job.status === 'queued' || job.status === 'paused' || (job.status === 'running' && job.cancellable));

  const perform = (action: (prev: null, input: { jobId: string }) => Promise<ActionResult<unknown>>) =>
    run(action, { jobId: job.id });

  if (!canPause && !canCancel && job.status !== 'paused' && !stopping) return null;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="job-controls">
      {stopping && (
        <span className="text-sm text-slate-600" role="status">
          {job.controlRequest === 'cancel' ? 'Cancelling…' : 'Pausing…'}
        </span>
      )}
      {canPause && (
        <Button variant="secondary" disabled={pending} onClick={() => perform(pauseJobAction)}>
          Pause
        </Button>
      )}
      {job.status === 'paused' && (
        <Button disabled={pending} onClick={() => perform(resumeJobAction)}>
          Resume
        </Button>
      )}
      {canCancel && (
        <ConfirmButton
          label="Cancel job"
          title="Cancel this job?"
          confirmLabel="Cancel job"
          disabled={pending}
          onConfirm={() => perform(cancelJobAction)}
        >
          The transfer stops and its partial file is removed from the node. Nothing already installed is touched.
        </ConfirmButton>
      )}
      <ActionError error={error} />
    </div>
  );
}
