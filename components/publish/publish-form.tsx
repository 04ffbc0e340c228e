'use client';

import { FormError, SelectField, SubmitButton } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { publishImageAction } from '@/lib/publish/actions';
import { useRouter } from 'next/navigation';

type Account = { id: string; name: string };

/** Publishes the image to one of the accounts this user may publish it to, then opens the job. */
export function PublishForm({ image, accounts }: { image: { id: string; name: string }; accounts: Account[] }) {
  const router = useRouter();
  const [state, formAction] = useActionNotice(
    publishImageAction,
    (input) =>
      `Publishing ${image.name} to ${accounts.find((a) => a.id === input.get('accountId'))?.name ?? 'the cloud'}.`,
    (data) => router.push(`/jobs/${data.jobId}`),
  );
  return (
    <form action={formAction} aria-label={`Publish ${image.name}`} className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="imageId" value={image.id} />
      <div className="min-w-64">
        <SelectField
          id="publish-account"
          name="accountId"
          label="Cloud account"
          options={accounts.map((a) => ({ value: a.id, label: a.name }))}
        />
      </div>
      <SubmitButton pendingText="Queueing…">Publish</SubmitButton>
      <FormError state={state} fields={['accountId']} />
    </form>
  );
}
