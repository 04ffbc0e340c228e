'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { useServerAction } from '@/components/ui/use-server-action';
import { deleteKeyAction } from '@/lib/credentials/actions';

/**
 * A key that nodes log in with offers no Delete, only why; the server refuses it too (naming the
 * nodes), for a stale page or the API. Outcomes are toasts, so the table's rows keep their height.
 */
export function DeleteKeyButton({ credential }: { credential: { id: string; name: string; nodeNames: string[] } }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  if (credential.nodeNames.length > 0)
    return <span className="text-xs text-slate-500">In use; cannot be deleted.</span>;
  return (
    <ConfirmButton
      label="Delete"
      title={`Delete the key "${credential.name}"?`}
      confirmLabel="Delete key"
      disabled={pending}
      onConfirm={() => run(deleteKeyAction, { credentialId: credential.id }, `Key ${credential.name} deleted.`)}
    >
      The private key is removed from the portal for good. Nodes that still list its public key in authorized_keys keep
      it there.
    </ConfirmButton>
  );
}
