import { Mono } from '@/components/ui/layout';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import type { CredentialRow } from '@/lib/credentials/queries';
import { formatDateTime } from '@/lib/format';
import { DeleteKeyButton } from './delete-key-button';

/** Public parts only: the rows come from listCredentials, which never reads the private key. */
export function CredentialsTable({ credentials }: { credentials: CredentialRow[] }) {
  return (
    <Table
      caption="SSH keys"
      columns={['Name', 'Public key', 'Used by', 'Created', 'Actions']}
      isEmpty={credentials.length === 0}
      empty="No SSH keys yet. Generate one or import a private key below, or register a node with one."
    >
      {credentials.map((c) => (
        <tr key={c.id}>
          <Td className="font-medium">{c.name}</Td>
          <Td className="max-w-md">
            <Mono>{c.publicKey}</Mono>
          </Td>
          <Td className="whitespace-nowrap">
            {c.nodes.length === 0 ? (
              <span className="text-slate-500">no node</span>
            ) : (
              <ul>
                {c.nodes.map((n) => (
                  <li key={n.id}>
                    <TextLink href={`/nodes/${n.id}`}>{n.name}</TextLink>
                  </li>
                ))}
              </ul>
            )}
          </Td>
          <Td className="whitespace-nowrap">{formatDateTime(c.createdAt)}</Td>
          <Td>
            <DeleteKeyButton credential={{ id: c.id, name: c.name, nodeNames: c.nodes.map((n) => n.name) }} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
