'use client';

import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { useServerAction } from '@/components/ui/use-server-action';
import { refreshRepositoryAction } from '@/lib/repositories/actions';

/**
 * Reads the remote listing again. The outcome is a toast, so the buttons beside it in a header or a
 * row stay where they are; a failure is also kept on the repository's row.
 */
export function RefreshButton({ repository }: { repository: { id: string; name: string } }) {
  const router = useRouter();
  // A failed refresh is kept on the row too: show it there as well as in the toast.
  const { pending, run } = useServerAction(() => router.refresh(), { errors: 'toast' });
  return (
    <Button
      variant="secondary"
      disabled={pending}
      aria-busy={pending}
      aria-label={`Refresh ${repository.name}`}
      onClick={() =>
        run(
          refreshRepositoryAction,
          { repositoryId: repository.id },
          (r) => `${repository.name} refreshed: ${r.imageCount === 1 ? '1 image' : `${r.imageCount} images`}.`,
        )
      }
    >
      {pending ? 'Refreshing…' : 'Refresh'}
    </Button>
  );
}
