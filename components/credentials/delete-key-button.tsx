'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { deleteKeyAction } from '@/lib/credentials/actions';

/**
 * A key in use stays deletable from here on purpose: the server refuses and names the nodes, which
 * is the message an admin needs (and what a stale page would get anyway).
 */
export function DeleteKeyButton({ credential }: { credential: { id: string; name: string; nodeNames: string[] } }) {
  const { pending, error, run } = useServerAction();
  return (
    <div className="flex flex-col items-start gap-1">
      <ConfirmButton
        label="Delete"
        title={`Delete the key "${credential.name}"?`}
        confirmLabel="Delete key"
        disabled={pending}
        onConfirm={() => run(deleteKeyAction, { credentialId: credential.id })}
      >
        {credential.nodeNames.length > 0
          ? `Nodes ${credential.nodeNames.join(', ')} log in with this key, so it will be refused.`
          : 'The private key is removed from the portal for good. Nodes that still list its public key keep it.'}
      </ConfirmButton>
      <ActionError error={error} className="max-w-xs" />
    </div>
  );
}
