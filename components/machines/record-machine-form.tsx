'use client';

import { useState } from 'react';
import { Combobox } from '@/components/ui/combobox';
import { FormError, formFeedback, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { useFormAction } from '@/components/ui/use-form-action';
import { MACHINE_STATUSES } from '@/lib/db/enums';
import { recordMachineAction } from '@/lib/machines/actions';

/**
 * Records a machine running on this node, so the image it uses counts as in use. The image is
 * found by name as the user types (the catalogue may hold thousands); the form sends its id.
 */
export function RecordMachineForm({ nodeId }: { nodeId: string }) {
  // A new key clears the image search once a machine is recorded; a refusal keeps the choice.
  const [recorded, setRecorded] = useState(0);
  const [state, formAction] = useFormAction(recordMachineAction, () => setRecorded((n) => n + 1));
  const { errors, value } = formFeedback(state);
  return (
    <form action={formAction} aria-label="Record a machine" className="grid gap-4 sm:grid-cols-4 sm:items-start">
      <input type="hidden" name="nodeId" value={nodeId} />
      <TextField name="name" label="Machine name" required defaultValue={value('name')} errors={errors('name')} />
      <Combobox
        key={recorded}
        id="record-machine-image"
        name="imageId"
        label="Image"
        source={`/nodes/${nodeId}/machine-images`}
        placeholder="Type to search images…"
        errors={errors('imageId')}
      />
      <SelectField
        name="status"
        label="Status"
        options={MACHINE_STATUSES}
        defaultValue={value('status') || 'running'}
        errors={errors('status')}
      />
      <div className="sm:pt-6">
        <SubmitButton pendingText="Recording…">Record machine</SubmitButton>
      </div>
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
