'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { renameDataCenterAction } from '@/lib/locations/actions';
import { CancelButton, FormDialog } from './form-dialog';

/** Rename in a modal dialog; the code stays, as scripts and URLs may rely on it. */
export function RenameDataCenter({ dataCenter }: { dataCenter: { id: string; name: string; code: string } }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [state, formAction] = useActionState(renameDataCenterAction, undefined);
  const { errors, value } = formFeedback(state);
  useEffect(() => {
    if (!state?.ok) return;
    dialog.current?.close();
    router.refresh();
  }, [state, router]);
  return (
    <>
      <Button variant="secondary" onClick={() => dialog.current?.showModal()}>
        Rename
      </Button>
      <FormDialog dialogRef={dialog} title={`Rename ${dataCenter.name}`}>
        <form action={formAction} className="space-y-4" noValidate aria-label="Rename data center">
          <input type="hidden" name="dataCenterId" value={dataCenter.id} />
          <TextField
            id="rename-data-center-name"
            name="name"
            label="New name"
            required
            autoFocus
            errors={errors('name')}
            defaultValue={value('name', dataCenter.name)}
            hint={`The code ${dataCenter.code} stays.`}
          />
          <FormError state={state} />
          <div className="flex justify-end gap-2">
            <CancelButton dialogRef={dialog} />
            <SubmitButton pendingText="Renaming…">Rename</SubmitButton>
          </div>
        </form>
      </FormDialog>
    </>
  );
}
