'use client';

import { useActionState } from 'react';
import { createDataCenterAction } from '@/lib/locations/actions';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';

export function CreateDataCenterForm() {
  const [state, formAction] = useActionState(createDataCenterAction, undefined);
  const { errors, value } = formFeedback(state);
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Create data center">
      <FormError state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" required errors={errors('name')} defaultValue={value('name')} />
        <TextField
          name="code"
          label="Code"
          required
          errors={errors('code')}
          defaultValue={value('code')}
          hint="A short unique slug, e.g. ams-1."
        />
      </div>
      <TextField
        name="description"
        label="Description"
        errors={errors('description')}
        defaultValue={value('description')}
      />
      <SubmitButton pendingText="Creating…">Create data center</SubmitButton>
    </form>
  );
}
