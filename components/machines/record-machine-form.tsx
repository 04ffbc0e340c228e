'use client';

import { useActionState } from 'react';
import { FormError, formFeedback, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { MACHINE_STATUSES } from '@/lib/db/enums';
import { recordMachineAction } from '@/lib/machines/actions';

/** Records a machine running on this node, so the image it uses counts as in use. */
export function RecordMachineForm({ nodeId, images }: { nodeId: string; images: { value: string; label: string }[] }) {
  const [state, formAction] = useActionState(recordMachineAction, undefined);
  const { errors, value } = formFeedback(state);
  return (
    <form action={formAction} aria-label="Record a machine" className="grid gap-4 sm:grid-cols-4 sm:items-end">
      <input type="hidden" name="nodeId" value={nodeId} />
      <TextField name="name" label="Machine name" required defaultValue={value('name')} errors={errors('name')} />
      <SelectField
        name="imageId"
        label="Image"
        options={[{ value: '', label: 'Choose…' }, ...images]}
        defaultValue={value('imageId')}
        errors={errors('imageId')}
      />
      <SelectField
        name="status"
        label="Status"
        options={MACHINE_STATUSES}
        defaultValue={value('status') || 'running'}
        errors={errors('status')}
      />
      <SubmitButton pendingText="Recording…">Record machine</SubmitButton>
      <div className="sm:col-span-4">
        <FormError state={state} />
        {state?.ok && (
          <p role="status" className="text-sm text-emerald-800">
            Recorded.
          </p>
        )}
      </div>
    </form>
  );
}
