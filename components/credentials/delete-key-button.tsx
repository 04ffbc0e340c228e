'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { deleteKeyAction } from '@/lib/credentials/actions';

/**
 * A key that nodes log in with offers no Delete, only why; the server refuses it too (naming the
 * nodes), for a stale page or the API.
 */
export function DeleteKeyButton({ credential }: { credential: { id: string; name: string; nodeNames: string[] } }) {
  const { pending, error, run } = useServerAction();
  if (credential.nodeNames.length > 0)
    return <span className="text-xs text-slate-500">In use; cannot be deleted.</span>;
  return (
    <div className="flex flex-col items-start gap-1">
      <ConfirmButton
        label="Delete"
        title={`Delete the key "${credential.name}"?`}
        confirmLabel="Delete key"
        disabled={pending}
        onConfirm={() => run(deleteKeyAction, { credentialId: credential.id })}
      >
        The private key is removed from the portal for good. Nodes that still list its public key in authorized_keys
        keep it there.
      </ConfirmButton>
      <ActionError error={error} className="max-w-xs" />
    </div>
  );
}
