'use client';

import { useActionState } from 'react';
import { testNodeConnectionAction } from '@/lib/nodes/actions';
import { FormError, SubmitButton } from '@/components/ui/form';

export function TestConnectionButton({ nodeId }: { nodeId: string }) {
  const [state, formAction] = useActionState(testNodeConnectionAction, undefined);
  return (
    <form action={formAction} className="flex flex-col items-end gap-2">
      <input type="hidden" name="nodeId" value={nodeId} />
      <SubmitButton pendingText="Connecting…">Test connection</SubmitButton>
      <FormError state={state} />
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-700">
          Connected; capacity updated.
        </p>
      )}
    </form>
  );
}
