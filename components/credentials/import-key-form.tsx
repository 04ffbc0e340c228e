'use client';

import { FormError, formFeedback, SubmitButton, TextAreaField, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { importKeyAction } from '@/lib/credentials/actions';

/**
 * The private key and passphrase are sent once and never echoed back (lib/actions/server-action.ts
 * drops them from a failed submit), so after an error they must be entered again.
 */
export function ImportKeyForm() {
  const [state, formAction] = useActionNotice(importKeyAction, (input) => `Key ${input.get('name')} imported.`);
  const { errors, value } = formFeedback(state);
  return (
    <form action={formAction} aria-label="Import a private key" className="space-y-4" noValidate>
      <TextField
        id="import-key-name"
        name="name"
        label="Name"
        required
        defaultValue={value('name')}
        errors={errors('name')}
      />
      <TextAreaField
        name="privateKey"
        label="Private key"
        rows={6}
        required
        errors={errors('privateKey')}
        placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        hint="OpenSSH or PEM format. Stored encrypted; it is never shown again."
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        name="passphrase"
        label="Passphrase (if the key is encrypted)"
        type="password"
        autoComplete="off"
        errors={errors('passphrase')}
        hint="Used once to decrypt the key; the portal does not keep it."
      />
      <SubmitButton pendingText="Importing…">Import key</SubmitButton>
      <FormError state={state} />
      {state?.ok && (
        <p className="text-sm text-emerald-800">
          Imported. Its public key: <code className="font-mono text-xs break-all">{state.data.publicKey}</code>
        </p>
      )}
    </form>
  );
}
