'use client';

import { CheckboxField, FormError, SelectField, SubmitButton } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { publishImagesAction } from '@/lib/publish/actions';

type Props = {
  accounts: { id: string; name: string }[];
  images: { id: string; name: string; version: string }[];
};

/**
 * Publishes several images of the page to one account at once: all are queued, or none is and the
 * refusal names every image that cannot go.
 */
export function BulkPublishForm({ accounts, images }: Props) {
  const [state, formAction] = useActionNotice(publishImagesAction, (_input, data) => {
    const n = data?.jobIds.length ?? 0;
    return `Queued ${n} publish job${n === 1 ? '' : 's'}; follow them on the Jobs page.`;
  });
  return (
    <details className="mt-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <summary className="cursor-pointer text-sm font-semibold text-slate-800">
        Publish images of this page to a cloud
      </summary>
      <form action={formAction} aria-label="Publish several images" className="mt-4 space-y-4">
        <SelectField
          id="bulk-publish-account"
          name="accountId"
          label="Cloud account"
          options={accounts.map((a) => ({ value: a.id, label: a.name }))}
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Images</legend>
          {images.map((image) => (
            <CheckboxField
              key={image.id}
              id={`bulk-publish-${image.id}`}
              name="imageIds"
              value={image.id}
              label={`${image.name} (${image.version})`}
            />
          ))}
        </fieldset>
        <SubmitButton pendingText="Queueing…">Publish selected</SubmitButton>
        <FormError state={state} />
      </form>
    </details>
  );
}
