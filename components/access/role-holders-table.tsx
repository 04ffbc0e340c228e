import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import type { UserWithGrants } from '@/lib/users/queries';
import { GrantList } from './grant-list';

/** Who holds which role on one data center; SuperAdmins hold every role everywhere. */
export function RoleHoldersTable({ holders, dataCenterName }: { holders: UserWithGrants[]; dataCenterName: string }) {
  return (
    <Table
      caption={`Who holds which role on ${dataCenterName}`}
      columns={['User', 'Roles here', 'Status']}
      isEmpty={holders.length === 0}
      empty={`Nobody holds a role on ${dataCenterName}.`}
    >
      {holders.map((u) => (
        <tr key={u.id}>
          <Td>
            <TextLink href={`/access/users/${u.id}`} className="font-medium">
              {u.username}
            </TextLink>
            {u.name && <span className="block text-xs text-slate-500">{u.name}</span>}
          </Td>
          <Td>{u.isSuperAdmin ? 'SuperAdmin (everything)' : <GrantList grants={u.grants} showDataCenter={false} />}</Td>
          <Td>
            <StatusBadge status={u.disabled ? 'disabled' : 'enabled'} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
