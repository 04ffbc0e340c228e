'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { resetUserPasswordAction } from '@/lib/users/actions';
import { MIN_PASSWORD_LENGTH } from '@/lib/users/schemas';

/**
 * Reset password asks first, in a modal dialog that also takes the new password; a toast says it
 * is done. The password field is never refilled: the server does not echo passwords back.
 */
export function ResetPasswordDialog({ userId, username }: { userId: string; username: string }) {
  const [open, setOpen] = useState(false);
  const [state, formAction] = useActionNotice(
    resetUserPasswordAction,
    () => `The password of ${username} was reset, and their open sessions were ended. Tell them the new one.`,
    () => setOpen(false),
  );
  const { errors } = formFeedback(state);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Reset password
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Reset the password of ${username}?`}
        description="Their current password stops working at once, and so do the sessions they are signed in with. Their API tokens keep working."
      >
        <form action={formAction} className="space-y-4" noValidate>
          <FormError state={state} fields={['password']} />
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
            <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>
              Keep the old one
            </Button>
            <SubmitButton variant="danger" pendingText="Resetting…">
              Reset password
            </SubmitButton>
          </div>
        </form>
      </Dialog>
    </>
  );
}
