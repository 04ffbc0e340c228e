import { Mono } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { formatDateTime } from '@/lib/format';
import type { listNodesWithImage } from '@/lib/images/queries';

/** "Nodes which have this image": state, availability, path and verification per node. */
export function NodesWithImageTable({ nodes }: { nodes: ReturnType<typeof listNodesWithImage> }) {
  return (
    <Table
      caption="Nodes which have this image"
      columns={['Node', 'Data center', 'State', 'Available', 'Path', 'Verified SHA-256', 'Installed', 'Last job']}
      isEmpty={nodes.length === 0}
      empty="This image is on no node yet."
    >
      {nodes.map((n) => (
        <tr key={n.nodeId} data-testid={`node-image-${n.nodeName}`}>
          <Td>
            <TextLink href={`/nodes/${n.nodeId}`} className="font-medium">
              {n.nodeName}
            </TextLink>
          </Td>
          <Td>{n.dataCenterName}</Td>
          <Td>
            <StatusBadge status={n.state} />
          </Td>
          <Td>{n.available ? 'yes' : 'no'}</Td>
          <Td>
            <Mono>{n.path ?? '—'}</Mono>
          </Td>
          <Td>
            <Mono>{n.verifiedSha256 ?? '—'}</Mono>
          </Td>
          <Td className="whitespace-nowrap">{formatDateTime(n.installedAt)}</Td>
          <Td>{n.lastJobId ? <TextLink href={`/jobs/${n.lastJobId}`}>view</TextLink> : '—'}</Td>
        </tr>
      ))}
    </Table>
  );
}
