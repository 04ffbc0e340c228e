import { Mono } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes, formatDateTime } from '@/lib/format';
import type { ImageOnNode } from '@/lib/nodes/queries';

/** Node Details, "Images on this node": each image's state on the node, its file there and its last job. */
/** An image on the node, and the node of its data center it was copied from (a relayed install), if any. */
type Row = ImageOnNode & { copiedFrom: { id: string; name: string } | null };

export function ImagesOnNodeTable({ images, empty }: { images: Row[]; empty: string }) {
  return (
    <Table
      caption="Images on this node"
      columns={['Image', 'State', 'Available', 'Path', 'Size', 'Installed', 'Last job']}
      isEmpty={images.length === 0}
      empty={empty}
    >
      {images.map((i) => (
        <tr key={i.imageId}>
          <Td>
            <TextLink href={`/images/${i.imageId}`} className="font-medium">
              {i.name}
            </TextLink>{' '}
            <span className="text-slate-500">{i.version}</span>
          </Td>
          <Td>
            <StatusBadge status={i.state} />
            {i.copiedFrom && (
              <div className="text-xs text-slate-500" data-testid="copied-from">
                copied from <TextLink href={`/nodes/${i.copiedFrom.id}`}>{i.copiedFrom.name}</TextLink>
              </div>
            )}
          </Td>
          <Td>{i.available ? 'yes' : 'no'}</Td>
          <Td>
            <Mono>{i.path ?? '—'}</Mono>
          </Td>
          <Td>{formatBytes(i.sizeBytes)}</Td>
          <Td className="whitespace-nowrap">{formatDateTime(i.installedAt)}</Td>
          <Td>{i.lastJobId ? <TextLink href={`/jobs/${i.lastJobId}`}>view</TextLink> : '—'}</Td>
        </tr>
      ))}
    </Table>
  );
}
