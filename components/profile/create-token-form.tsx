'use client';

import { CopyButton } from '@/components/ui/copy-button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { createApiTokenAction } from '@/lib/api/v1/actions';

/** Creates a personal API token and shows it this one time: only its hash is kept. */
export function CreateTokenForm() {
  const [state, formAction] = useActionNotice(
    createApiTokenAction,
    (input) => `Token ${input.get('name')} created. Copy it now: it is not shown again.`,
  );
  const { errors } = formFeedback(state);
  const created = state?.ok ? state.data : null;
  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-wrap items-end gap-3" aria-label="Create API token" noValidate>
        <div className="min-w-64">
          <TextField name="name" label="Token name" placeholder="e.g. nightly-sync script" errors={errors('name')} />
        </div>
        <SubmitButton pendingText="Creating…">Create token</SubmitButton>
      </form>
      <FormError state={state} fields={['name']} />
      {/* The toast says it was created; the token stays here until the page is left, to be copied. */}
      {created && (
        <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p>
            Token <strong>{created.name}</strong> was created. Copy it now: it is not shown again.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all" data-testid="new-token">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy token" />
          </div>
        </div>
      )}
    </div>
  );
}
