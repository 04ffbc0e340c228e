'use client';

import { useActionState } from 'react';
import { installImageAction } from '@/lib/install/actions';
import { FormError, formFeedback, SelectField, SubmitButton } from '@/components/ui/form';

type Target = { id: string; name: string; dataCenterName: string };

/** Pick a node and queue an install; the action redirects to the job's progress page. */
export function InstallForm({ imageId, targets }: { imageId: string; targets: Target[] }) {
  const [state, formAction] = useActionState(installImageAction, undefined);
  const { errors } = formFeedback(state);
  if (targets.length === 0) {
    return <p className="text-sm text-slate-600">No enabled node you manage lacks this image.</p>;
  }
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3" aria-label="Install on a node">
      <input type="hidden" name="imageId" value={imageId} />
      <div className="min-w-64">
        <SelectField
          name="nodeId"
          label="Node"
          errors={errors('nodeId')}
          options={targets.map((t) => ({ value: t.id, label: `${t.name} (${t.dataCenterName})` }))}
        />
      </div>
      <SubmitButton pendingText="Queuing…">Install</SubmitButton>
      <div className="basis-full">
        <FormError state={state} />
      </div>
    </form>
  );
}
