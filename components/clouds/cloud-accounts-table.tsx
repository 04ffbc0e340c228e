import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import type { CloudAccountSummary } from '@/lib/clouds/queries';
import { ConnectionState } from './connection-state';
import { KIND_LABELS } from './cloud-kind-fields';
import { TestConnectionButton } from './test-connection-button';

/** Every cloud account with its binding and the outcome of its last connection test. */
export function CloudAccountsTable({ accounts }: { accounts: CloudAccountSummary[] }) {
  return (
    <Table
      caption="Cloud accounts"
      columns={['Name', 'Kind', 'Data center', 'Connection', 'Published images', 'Actions']}
      isEmpty={accounts.length === 0}
      empty="No cloud accounts yet. Add one below to publish images to OpenStack, S3 or Azure."
    >
      {accounts.map((a) => (
        <tr key={a.id}>
          <Td className="font-medium">
            <TextLink href={`/clouds/${a.id}`}>{a.name}</TextLink>
          </Td>
          <Td>{KIND_LABELS[a.kind]}</Td>
          <Td>{a.dataCenterName ?? <span className="text-slate-500">any (unbound)</span>}</Td>
          <Td>
            <ConnectionState account={a} />
          </Td>
          <Td>{a.publishedCount}</Td>
          <Td>
            <TestConnectionButton account={a} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
