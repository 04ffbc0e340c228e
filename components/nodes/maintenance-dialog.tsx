'use client';

import { useActionState, useEffect, useId, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { putNodeInMaintenanceAction } from '@/lib/nodes/actions';

/** Asks for the reason in a modal dialog; the reason is shown wherever the node's status is. */
export function MaintenanceDialog({
  nodeId,
  nodeName,
  inMaintenance,
}: {
  nodeId: string;
  nodeName: string;
  inMaintenance: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [state, formAction] = useActionState(putNodeInMaintenanceAction, undefined);
  const { errors, value } = formFeedback(state);
  useEffect(() => {
    if (state?.ok) dialog.current?.close();
  }, [state]);
  return (
    <>
      <Button variant="secondary" onClick={() => dialog.current?.showModal()}>
        {inMaintenance ? 'Change maintenance reason' : 'Put in maintenance'}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={formAction} className="space-y-4 p-5" noValidate>
          <h2 id={titleId} className="text-lg font-semibold">
            Put {nodeName} in maintenance
          </h2>
          <p className="text-sm text-slate-700">
            The node accepts no installs until it is enabled again. Images already on it stay.
          </p>
          <input type="hidden" name="nodeId" value={nodeId} />
          <TextField
            name="reason"
            label="Reason"
            required
            defaultValue={value('reason')}
            errors={errors('reason')}
            autoFocus
          />
          <FormError state={state} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </Button>
            <SubmitButton pendingText="Saving…">Put in maintenance</SubmitButton>
          </div>
        </form>
      </dialog>
    </>
  );
}
