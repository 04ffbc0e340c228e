import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import type { UserWithGrants } from '@/lib/users/queries';
import { GrantList } from './grant-list';

export function UsersTable({ users }: { users: UserWithGrants[] }) {
  return (
    <Table
      caption="Users"
      columns={['Username', 'Name', 'SuperAdmin', 'Status', 'Roles']}
      isEmpty={users.length === 0}
      empty="No users yet."
    >
      {users.map((u) => (
        <tr key={u.id}>
          <Td>
            <TextLink href={`/access/users/${u.id}`} className="font-medium">
              {u.username}
            </TextLink>
          </Td>
          <Td>{u.name || '—'}</Td>
          <Td>{u.isSuperAdmin ? 'Yes' : 'No'}</Td>
          <Td>
            <StatusBadge status={u.disabled ? 'disabled' : 'enabled'} />
          </Td>
          <Td>
            {u.isSuperAdmin ? (
              <span className="text-slate-600">Everything (SuperAdmin)</span>
            ) : (
              <GrantList grants={u.grants} />
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
