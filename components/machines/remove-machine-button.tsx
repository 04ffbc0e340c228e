'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { removeMachineAction } from '@/lib/machines/actions';

/** Forgets a machine (it was deleted elsewhere); its image may then leave this node. */
export function RemoveMachineButton({ machineId, name }: { machineId: string; name: string }) {
  const { pending, error, run } = useServerAction();
  return (
    <div className="inline-flex items-center gap-2">
      <ConfirmButton
        label="Remove"
        title={`Remove machine ${name}?`}
        confirmLabel="Remove"
        disabled={pending}
        onConfirm={() => run(removeMachineAction, { machineId })}
      >
        The portal forgets {name}. Its image no longer counts as in use on this node because of it.
      </ConfirmButton>
      <ActionError error={error} className="" />
    </div>
  );
}
