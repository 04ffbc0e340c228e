'use client';

import { useActionState, useEffect, useId, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { resetUserPasswordAction } from '@/lib/users/actions';
import { MIN_PASSWORD_LENGTH } from '@/lib/users/schemas';

/**
 * Reset password asks first, in a modal dialog that also takes the new password. The password
 * field is never refilled: the server does not echo passwords back.
 */
export function ResetPasswordDialog({ userId, username }: { userId: string; username: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [state, formAction] = useActionState(resetUserPasswordAction, undefined);
  const { errors } = formFeedback(state);
  useEffect(() => {
    if (state?.ok) dialog.current?.close();
  }, [state]);
  return (
    <>
      <Button variant="secondary" onClick={() => dialog.current?.showModal()}>
        Reset password
      </Button>
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-800">
          The password of {username} was reset, and their open sessions were ended. Tell them the new one.
        </p>
      )}
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={formAction} className="space-y-4 p-5" noValidate>
          <h2 id={titleId} className="text-lg font-semibold">
            Reset the password of {username}?
          </h2>
          <p className="text-sm text-slate-700">
            Their current password stops working at once, and so do the sessions they are signed in with. Their API
            tokens keep working.
          </p>
          <FormError state={state} />
          <input type="hidden" name="userId" value={userId} />
          <TextField
            name="password"
            id="reset-password"
            label="New password"
            type="password"
            required
            autoComplete="new-password"
            errors={errors('password')}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
              Keep the old one
            </Button>
            <SubmitButton variant="danger" pendingText="Resetting…">
              Reset password
            </SubmitButton>
          </div>
        </form>
      </dialog>
    </>
  );
}
