'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useFormAction } from '@/components/ui/use-form-action';
import { renameDataCenterAction } from '@/lib/locations/actions';

/** Rename in a modal dialog; the code stays, as scripts and URLs may rely on it. */
export function RenameDataCenter({ dataCenter }: { dataCenter: { id: string; name: string; code: string } }) {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const [state, formAction] = useFormAction(renameDataCenterAction, () => {
    setOpen(false);
    router.refresh();
  });
  const { errors, value } = formFeedback(state);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Rename
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Rename ${dataCenter.name}`} width="lg">
        <form action={formAction} className="space-y-4" noValidate aria-label="Rename data center">
          <input type="hidden" name="dataCenterId" value={dataCenter.id} />
          <TextField
            id="rename-data-center-name"
            name="name"
            label="New name"
            required
            errors={errors('name')}
            defaultValue={value('name', dataCenter.name)}
            hint={`The code ${dataCenter.code} stays.`}
            data-autofocus
          />
          <FormError state={state} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <SubmitButton pendingText="Renaming…">Rename</SubmitButton>
          </div>
        </form>
      </Dialog>
    </>
  );
}
