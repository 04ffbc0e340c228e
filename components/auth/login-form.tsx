'use client';

import { useActionState } from 'react';
import { loginAction } from '@/lib/auth/actions';
import { SubmitButton, TextField } from '@/components/ui/form';

export function LoginForm({ callbackUrl, initialError }: { callbackUrl?: string; initialError?: string }) {
  const [state, formAction] = useActionState(loginAction, initialError ? { error: initialError } : undefined);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state?.error && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </div>
      )}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? '/'} />
      <TextField
        name="username"
        label="Username"
        autoComplete="username"
        required
        defaultValue={state?.username}
        autoFocus
      />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" required />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
