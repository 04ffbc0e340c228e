'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { Table, Td } from '@/components/ui/table';
import { useServerAction } from '@/components/ui/use-server-action';
import { IMPORT_ROLE_NOTE } from '@/lib/users/access-matrix';
import { revokeRoleAction } from '@/lib/users/actions';
import type { GrantView } from '@/lib/users/queries';

/** A user's role grants, each with whether it takes effect and a Revoke that asks first; outcomes are toasts. */
export function GrantsTable({ userId, username, grants }: { userId: string; username: string; grants: GrantView[] }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <Table
      caption={`Roles of ${username}`}
      columns={['Data center', 'Role', 'Effect', '']}
      isEmpty={grants.length === 0}
      empty={`${username} holds no role on any data center. Grant one below.`}
    >
      {grants.map((g) => (
        <tr key={`${g.dataCenterId}-${g.role}`}>
          <Td>{g.dataCenterName}</Td>
          <Td className="font-medium">{g.role}</Td>
          <Td>{g.effective ? 'In effect' : <span className="text-amber-800">{IMPORT_ROLE_NOTE}</span>}</Td>
          <Td className="text-right">
            <ConfirmButton
              label="Revoke"
              title={`Revoke ${g.role} on ${g.dataCenterName}?`}
              confirmLabel="Revoke"
              disabled={pending}
              onConfirm={() =>
                run(
                  revokeRoleAction,
                  { userId, dataCenterId: g.dataCenterId, role: g.role },
                  `${g.role} on ${g.dataCenterName} revoked.`,
                )
              }
            >
              {username} loses it on their next request; they do not need to sign in again.
            </ConfirmButton>
          </Td>
        </tr>
      ))}
    </Table>
  );
}
