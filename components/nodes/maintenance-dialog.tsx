'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useFormAction } from '@/components/ui/use-form-action';
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
  const [open, setOpen] = useState(false);
  const [state, formAction] = useFormAction(putNodeInMaintenanceAction, () => setOpen(false));
  const { errors, value } = formFeedback(state);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {inMaintenance ? 'Change maintenance reason' : 'Put in maintenance'}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Put ${nodeName} in maintenance`}
        description="The node accepts no installs until it is enabled again. Images already on it stay."
      >
        <form action={formAction} className="space-y-4" noValidate>
          <input type="hidden" name="nodeId" value={nodeId} />
          <TextField
            name="reason"
            label="Reason"
            required
            defaultValue={value('reason')}
            errors={errors('reason')}
            data-autofocus
          />
          <FormError state={state} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <SubmitButton pendingText="Saving…">Put in maintenance</SubmitButton>
          </div>
        </form>
      </Dialog>
    </>
  );
}
