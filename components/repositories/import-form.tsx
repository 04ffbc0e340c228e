'use client';

import { useId } from 'react';
import { FormError, formFeedback, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { TextLink } from '@/components/ui/text-link';
import { useActionNotice } from '@/components/ui/use-action-notice';
import type { RemoteImageRow } from '@/lib/repositories/browse';
import { importImageAction } from '@/lib/repositories/actions';

export type ImportTargets = { dataCenters: { id: string; name: string }[]; allowGlobal: boolean };

/**
 * Import one image, behind a disclosure so the table stays readable. The data centers offered are
 * those the user may import into; the server decides again.
 */
export function ImportForm({
  repositoryId,
  image,
  targets,
}: {
  repositoryId: string;
  image: RemoteImageRow;
  targets: ImportTargets;
}) {
  const [state, formAction] = useActionNotice(
    importImageAction,
    (input, queued) => `Import of ${queued?.name ?? (input.get('name') || image.name)} queued.`,
  );
  const { errors, value } = formFeedback(state);
  const id = useId();
  const options = [
    ...(targets.allowGlobal ? [{ value: '', label: 'None: a global image' }] : []),
    ...targets.dataCenters.map((dc) => ({ value: dc.id, label: dc.name })),
  ];
  return (
    <details className="group min-w-56" open={image.nameTaken || undefined}>
      <summary className="cursor-pointer text-sm font-medium text-sky-800 hover:underline">
        Import {image.name}…
      </summary>
      <form action={formAction} aria-label={`Import ${image.name} ${image.version}`} className="mt-3 space-y-3">
        <input type="hidden" name="repositoryId" value={repositoryId} />
        <input type="hidden" name="uuid" value={image.uuid} />
        <SelectField
          id={`${id}-dc`}
          name="dataCenterId"
          label="Bind to data center"
          options={options}
          defaultValue={value('dataCenterId', options[0]?.value)}
          errors={errors('dataCenterId')}
        />
        <TextField
          id={`${id}-name`}
          name="name"
          label="Name here"
          defaultValue={value('name', image.nameTaken ? '' : image.name)}
          required={image.nameTaken}
          errors={errors('name')}
          hint={
            image.nameTaken
              ? `An image named ${image.name} exists here; choose another name.`
              : 'Keep the remote name, or choose another.'
          }
        />
        <SubmitButton pendingText="Queuing…">Import</SubmitButton>
        <FormError state={state} fields={['dataCenterId', 'name']} />
        {/* The toast says it was queued; the way to the job stays here, in reach of the keyboard. */}
        {state?.ok && (
          <p className="text-sm text-emerald-800">
            Import queued. <TextLink href={`/jobs/${state.data.jobId}`}>Follow the job</TextLink>
          </p>
        )}
      </form>
    </details>
  );
}
