import { TextLink } from '@/components/ui/text-link';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { formatBytes, formatDateTime } from '@/lib/format';
import type { NodeOfDataCenter } from '@/lib/locations/queries';

export function NodesTable({ nodes, emptyHint }: { nodes: NodeOfDataCenter[]; emptyHint: string }) {
  return (
    <Table
      caption="Nodes"
      columns={['Node', 'Status', 'Address', 'CPUs', 'Memory', 'Free disk', 'Images', 'Last seen', 'Last error']}
      isEmpty={nodes.length === 0}
      empty={emptyHint}
    >
      {nodes.map((n) => (
        <tr key={n.id}>
          <Td>
            <TextLink href={`/nodes/${n.id}`} className="font-medium">
              {n.name}
            </TextLink>
          </Td>
          <Td>
            <StatusBadge status={n.status} />
          </Td>
          <Td className="font-mono text-xs">
            {n.host}:{n.port}
          </Td>
          <Td>{n.cpus ?? '—'}</Td>
          <Td>{formatBytes(n.memoryBytes)}</Td>
          <Td>
            {formatBytes(n.diskFreeBytes)} <span className="text-slate-500">of {formatBytes(n.diskTotalBytes)}</span>
          </Td>
          <Td>{n.imageCount}</Td>
          <Td className="whitespace-nowrap">{formatDateTime(n.lastSeenAt)}</Td>
          <Td className="max-w-xs text-red-700">{n.lastError ?? ''}</Td>
        </tr>
      ))}
    </Table>
  );
}
