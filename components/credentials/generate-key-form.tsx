'use client';

import { CopyButton } from '@/components/ui/copy-button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { generateKeyAction } from '@/lib/credentials/actions';

/** An ed25519 key pair made on the server; only its public half comes back, to copy to nodes. */
export function GenerateKeyForm() {
  const [state, formAction] = useActionNotice(generateKeyAction, (input) => `Key ${input.get('name')} generated.`);
  const { errors, value } = formFeedback(state);
  return (
    <form action={formAction} aria-label="Generate an SSH key" className="space-y-4">
      <TextField
        id="generate-key-name"
        name="name"
        label="Name"
        required
        defaultValue={value('name')}
        errors={errors('name')}
        hint="For example the nodes or the team it is for."
      />
      <SubmitButton pendingText="Generating…">Generate ed25519 key</SubmitButton>
      <FormError state={state} fields={['name']} />
      {/* The toast says it is done; the public key stays here to be copied. */}
      {state?.ok && (
        <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
          <p>Generated. Add this public key to ~/.ssh/authorized_keys of the SSH user on each node:</p>
          <pre
            className="overflow-x-auto rounded bg-white p-2 font-mono text-xs break-all whitespace-pre-wrap"
            data-testid="generated-public-key"
          >
            {state.data.publicKey}
          </pre>
          <CopyButton text={state.data.publicKey} label="Copy public key" />
        </div>
      )}
    </form>
  );
}
