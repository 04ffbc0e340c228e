'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, type RefObject } from 'react';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { formatBytes } from '@/lib/format';
import { createSizeAction, deleteSizesAction } from '@/lib/sizes/actions';
import { CancelButton } from './form-dialog';

type DialogProps = { dialogRef: RefObject<HTMLDialogElement | null>; onDone: (message: string) => void };

/** After a success: close the dialog, say what happened, and show the page's new state. */
function useCloseOnSuccess(
  state: { ok: boolean } | undefined,
  dialogRef: DialogProps['dialogRef'],
  onSuccess: () => void,
) {
  const router = useRouter();
  useEffect(() => {
    if (!state?.ok) return;
    dialogRef.current?.close();
    onSuccess();
    router.refresh();
    // Only a new result counts; onSuccess changes identity on every render.
  }, [state]);
}

/** Field ids are explicit: the page holds other dialogs with a field named "name" too. */
export function AddSizeForm({ dialogRef, onDone }: DialogProps) {
  const [state, formAction] = useActionState(createSizeAction, undefined);
  const { errors, value } = formFeedback(state);
  useCloseOnSuccess(
    state,
    dialogRef,
    () => state?.ok && onDone(`Added VM size ${state.data.name}. Run Sync Available Sizes to see where it fits.`),
  );
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
        <CancelButton dialogRef={dialogRef} />
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
export function DeleteSizesForm({ sizes, dialogRef, onDone }: DialogProps & { sizes: SizeChoice[] }) {
  const [state, formAction] = useActionState(deleteSizesAction, undefined);
  const choiceError = formFeedback(state).errors('sizeIds');
  useCloseOnSuccess(
    state,
    dialogRef,
    () =>
      state?.ok &&
      onDone(`Deleted VM size${state.data.deleted.length === 1 ? '' : 's'} ${state.data.deleted.join(', ')}.`),
  );
  if (sizes.length === 0) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-700">There are no VM sizes.</p>
        <div className="flex justify-end">
          <CancelButton dialogRef={dialogRef} />
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
        <CancelButton dialogRef={dialogRef} />
        <SubmitButton pendingText="Deleting…" variant="danger">
          Delete chosen sizes
        </SubmitButton>
      </div>
    </form>
  );
}
