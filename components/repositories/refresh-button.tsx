'use client';

import { Button } from '@/components/ui/button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { refreshRepositoryAction } from '@/lib/repositories/actions';

/** Reads the remote listing again; a failure is also kept on the repository's row. */
export function RefreshButton({ repository }: { repository: { id: string; name: string } }) {
  const { pending, error, run } = useServerAction();
  return (
    <div className="flex flex-col items-start gap-1">
      <Button
        variant="secondary"
        disabled={pending}
        aria-busy={pending}
        aria-label={`Refresh ${repository.name}`}
        onClick={() => run(refreshRepositoryAction, { repositoryId: repository.id })}
      >
        {pending ? 'Refreshing…' : 'Refresh'}
      </Button>
      <ActionError error={error} className="max-w-xs" />
    </div>
  );
}
