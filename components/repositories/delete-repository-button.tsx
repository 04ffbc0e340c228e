'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { useServerAction } from '@/components/ui/use-server-action';
import { deleteRepositoryAction } from '@/lib/repositories/actions';

/** Removes a repository and goes back to the list, where a toast says so; a refusal is a toast too. */
export function DeleteRepositoryButton({ repository }: { repository: { id: string; name: string } }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove the repository "${repository.name}"?`}
      confirmLabel="Remove repository"
      disabled={pending}
      onConfirm={() =>
        run(deleteRepositoryAction, { repositoryId: repository.id }, `Repository ${repository.name} removed.`)
      }
    >
      Its cached listing goes with it. Images already imported from it stay in the catalogue.
    </ConfirmButton>
  );
}
