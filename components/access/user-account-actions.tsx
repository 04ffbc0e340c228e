'use client';

import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { useServerAction } from '@/components/ui/use-server-action';
import { disableUserAction, enableUserAction, setSuperAdminAction } from '@/lib/users/actions';
import { ResetPasswordDialog } from './reset-password-dialog';

type Account = { id: string; username: string; disabled: boolean; isSuperAdmin: boolean };

/**
 * Disable or enable, the SuperAdmin flag and a password reset; the server refuses what may not be
 * done. Outcomes are toasts, so no message appears among the buttons and moves them.
 */
export function UserAccountActions({ user }: { user: Account }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {user.disabled ? (
        <Button
          variant="secondary"
          disabled={pending}
          onClick={() => run(enableUserAction, { userId: user.id }, `${user.username} enabled.`)}
        >
          Enable
        </Button>
      ) : (
        <ConfirmButton
          label="Disable"
          title={`Disable ${user.username}?`}
          confirmLabel="Disable"
          disabled={pending}
          onConfirm={() => run(disableUserAction, { userId: user.id }, `${user.username} disabled.`)}
        >
          {user.username} can no longer sign in, and any session they have open ends on their next request. Their roles
          stay, for when they are enabled again.
        </ConfirmButton>
      )}
      {user.isSuperAdmin ? (
        <ConfirmButton
          label="Remove SuperAdmin"
          title={`Remove SuperAdmin from ${user.username}?`}
          confirmLabel="Remove SuperAdmin"
          disabled={pending}
          onConfirm={() =>
            run(
              setSuperAdminAction,
              { userId: user.id, isSuperAdmin: 'false' },
              `${user.username} is no longer a SuperAdmin.`,
            )
          }
        >
          From their next request on, {user.username} has only the roles granted below.
        </ConfirmButton>
      ) : (
        <ConfirmButton
          label="Make SuperAdmin"
          title={`Make ${user.username} a SuperAdmin?`}
          confirmLabel="Make SuperAdmin"
          variant="secondary"
          disabled={pending}
          onConfirm={() =>
            run(setSuperAdminAction, { userId: user.id, isSuperAdmin: 'true' }, `${user.username} is now a SuperAdmin.`)
          }
        >
          {user.username} may then do everything, everywhere, including managing users.
        </ConfirmButton>
      )}
      <ResetPasswordDialog userId={user.id} username={user.username} />
    </div>
  );
}
