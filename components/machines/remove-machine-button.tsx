'use client';

import { useState, useTransition } from 'react';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { removeMachineAction } from '@/lib/machines/actions';

/** Forgets a machine (it was deleted elsewhere); its image may then leave this node. */
export function RemoveMachineButton({ machineId, name }: { machineId: string; name: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <ConfirmButton
        label="Remove"
        title={`Remove machine ${name}?`}
        confirmLabel="Remove"
        disabled={pending}
        onConfirm={() =>
          startTransition(async () => {
            const result = await removeMachineAction(null, { machineId });
            setError(result.ok ? null : result.error);
          })
        }
      >
        The portal forgets {name}. Its image no longer counts as in use on this node because of it.
      </ConfirmButton>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
