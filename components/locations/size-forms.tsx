'use client';

import { Button } from '@/components/ui/button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useFormAction } from '@/components/ui/use-form-action';
import { formatBytes } from '@/lib/format';
import { createSizeAction, deleteSizesAction } from '@/lib/sizes/actions';

/** `onDone` gets a sentence saying what happened; whoever holds the dialog closes it and shows that. */
type DialogFormProps = { onClose: () => void; onDone: (notice: string) => void };

/** Field ids are explicit: the page holds other dialogs with a field named "name" too. */
export function AddSizeForm({ onClose, onDone }: DialogFormProps) {
  const [state, formAction] = useFormAction(createSizeAction, (size) =>
    onDone(`Added VM size ${size.name}. Run Sync Available Sizes to see where it fits.`),
  );
  const { errors, value } = formFeedback(state);
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Add VM size">
      <FormError state={state} />
      <TextField
        id="new-size-name"
        name="name"
        label="Name"
        required
        errors={errors('name')}
        defaultValue={value('name')}
        hint="e.g. m1.large"
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="new-size-vcpus"
          name="vcpus"
          label="vCPUs"
          required
          inputMode="numeric"
          errors={errors('vcpus')}
          defaultValue={value('vcpus')}
        />
        <TextField
          id="new-size-memory"
          name="memoryMb"
          label="Memory (MB)"
          required
          inputMode="numeric"
          errors={errors('memoryMb')}
          defaultValue={value('memoryMb')}
        />
      </div>
      <TextField
        id="new-size-disks"
        name="diskGb"
        label="Disk sizes (GB)"
        required
        errors={errors('diskGb')}
        defaultValue={value('diskGb')}
        hint="One number per disk, e.g. 20, 100."
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton pendingText="Adding…">Add size</SubmitButton>
      </div>
    </form>
  );
}

export type SizeChoice = {
  id: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number[];
  fitsSomewhere: boolean;
};

/**
 * "Delete unused VM sizes". Machines do not record their size yet, so the portal cannot tell which
 * sizes are in use; it says so and lets the admin choose rather than guessing.
 */
export function DeleteSizesForm({ sizes, onClose, onDone }: DialogFormProps & { sizes: SizeChoice[] }) {
  const [state, formAction] = useFormAction(deleteSizesAction, ({ deleted }) =>
    onDone(`Deleted VM size${deleted.length === 1 ? '' : 's'} ${deleted.join(', ')}.`),
  );
  const choiceError = formFeedback(state).errors('sizeIds');
  if (sizes.length === 0) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-700">There are no VM sizes.</p>
        <div className="flex justify-end">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-4" aria-label="Delete VM sizes">
      <p className="text-sm text-slate-700">
        The portal does not yet record which size a machine was created with, so it cannot tell whether a size is in
        use. Choose the sizes no machine uses. Sizes are shared by all data centers: a deleted size is gone everywhere.
      </p>
      <fieldset
        className="max-h-72 space-y-2 overflow-y-auto"
        aria-describedby={choiceError ? 'delete-sizes-error' : undefined}
      >
        <legend className="sr-only">Sizes to delete</legend>
        {choiceError && (
          <p id="delete-sizes-error" className="text-sm text-red-700">
            {choiceError.join(' ')}
          </p>
        )}
        {sizes.map((size) => (
          <label key={size.id} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="sizeIds" value={size.id} className="mt-1 accent-red-700" />
            <span>
              <span className="font-medium">{size.name}</span>{' '}
              <span className="text-slate-600">
                {size.vcpus} vCPUs, {formatBytes(size.memoryMb * 1024 * 1024)}, disks {size.diskGb.join(' + ')} GB
                {size.fitsSomewhere ? '' : ' · fits in no data center'}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormError state={state} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton pendingText="Deleting…" variant="danger">
          Delete chosen sizes
        </SubmitButton>
      </div>
    </form>
  );
}
