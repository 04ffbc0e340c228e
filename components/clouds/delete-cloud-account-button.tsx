'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { useServerAction } from '@/components/ui/use-server-action';
import { deleteCloudAccountAction } from '@/lib/clouds/actions';

/** Removes an account; refused (in a toast) while images are published through it. */
export function DeleteCloudAccountButton({ account }: { account: { id: string; name: string } }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove the cloud account "${account.name}"?`}
      confirmLabel="Remove account"
      disabled={pending}
      onConfirm={() =>
        run(deleteCloudAccountAction, { accountId: account.id }, `Cloud account ${account.name} removed.`)
      }
    >
      Its stored credentials are deleted. Nothing is deleted in the cloud; the portal refuses while images published
      through it are still there.
    </ConfirmButton>
  );
}
