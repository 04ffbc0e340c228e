'use client';

import { Button } from '@/components/ui/button';
import { useServerAction } from '@/components/ui/use-server-action';
import { retryJobAction } from '@/lib/jobs/actions';

/** Retry for a failed or cancelled job: a new job does it again, and its page opens. */
export function RetryJobButton({ jobId }: { jobId: string }) {
  // In the page header: a refusal is a toast, so nothing appears beside the button.
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <Button disabled={pending} onClick={() => run(retryJobAction, { jobId }, 'Retry queued.')}>
      {pending ? 'Retrying…' : 'Retry'}
    </Button>
  );
}
