'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { deleteRepositoryAction } from '@/lib/repositories/actions';

export function DeleteRepositoryButton({ repository }: { repository: { id: string; name: string } }) {
  const { pending, error, run } = useServerAction();
  return (
    <div className="flex flex-col items-start gap-1">
      <ConfirmButton
        label="Remove"
        title={`Remove the repository "${repository.name}"?`}
        confirmLabel="Remove repository"
        disabled={pending}
        onConfirm={() => run(deleteRepositoryAction, { repositoryId: repository.id })}
      >
        Its cached listing goes with it. Images already imported from it stay in the catalogue.
      </ConfirmButton>
      <ActionError error={error} className="max-w-xs" />
    </div>
  );
}
