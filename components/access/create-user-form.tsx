'use client';

import { CheckboxField, FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { createUserAction } from '@/lib/users/actions';
import { MIN_PASSWORD_LENGTH } from '@/lib/users/schemas';

const FIELDS = ['username', 'name', 'password', 'isSuperAdmin'];

/** Creates a user and opens their page, where the notice follows. */
export function CreateUserForm() {
  const [state, formAction] = useActionNotice(createUserAction, (input) => `User ${input.get('username')} created.`);
  const { errors, value, checked } = formFeedback(state);
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Create user">
      <FormError state={state} fields={FIELDS} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="username"
          label="Username"
          required
          autoComplete="off"
          errors={errors('username')}
          defaultValue={value('username')}
        />
        <TextField name="name" label="Name" errors={errors('name')} defaultValue={value('name')} />
      </div>
      {/* Never refilled after a failed submit: passwords are not echoed back (lib/actions/server-action.ts). */}
      <TextField
        name="password"
        label="Password"
        type="password"
        required
        autoComplete="new-password"
        errors={errors('password')}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. Tell the user yourself; the portal does not send it.`}
      />
      <CheckboxField
        name="isSuperAdmin"
        label="SuperAdmin"
        defaultChecked={checked('isSuperAdmin')}
        hint="May do everything, everywhere, including managing users. Leave unchecked and grant roles per data center instead."
      />
      <SubmitButton pendingText="Creating…">Create user</SubmitButton>
    </form>
  );
}
