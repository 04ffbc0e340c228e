'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { Button } from '@/components/ui/button';
import { Mono } from '@/components/ui/layout';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { isJobActive } from '@/lib/db/enums';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import type { PlacedNode } from '@/lib/availability/placement';

type Props = {
  dataCenterName: string;
  imageName: string;
  nodes: PlacedNode[];
  pending: boolean;
  onRemove: (node: PlacedNode) => void;
  onOffer: (node: PlacedNode) => void;
};

/** The nodes of one data center that hold the image (or were meant to): state, offer, machines, last job. */
export function PlacedNodesTable({ dataCenterName, imageName, nodes, pending, onRemove, onOffer }: Props) {
  return (
    <Table
      caption={`Nodes of ${dataCenterName} with ${imageName}`}
      columns={['Node', 'State', 'Offered', 'Machines', 'Verified SHA-256', 'Last job', 'Actions']}
      isEmpty={nodes.length === 0}
      empty={`No node of ${dataCenterName} has ${imageName}.`}
    >
      {nodes.map((node) => (
        <tr key={node.nodeId} data-testid={`node-image-${node.nodeName}`}>
          <Td>
            <TextLink href={`/nodes/${node.nodeId}`} className="font-medium">
              {node.nodeName}
            </TextLink>
            {node.nodeStatus !== 'enabled' && <StatusBadge status={node.nodeStatus} />}
          </Td>
          <Td>
            <StatusBadge status={node.state!} />
            {node.lastJob && isJobActive(node.lastJob.status) && node.lastJob.bytesTotal ? (
              <ProgressBar
                label={`${node.lastJob.kind} on ${node.nodeName}`}
                value={node.lastJob.bytesDone}
                max={node.lastJob.bytesTotal}
                unit="bytes"
                compact
              />
            ) : null}
          </Td>
          <Td>{node.available ? 'yes' : 'no'}</Td>
          <Td>{node.machines}</Td>
          <Td>
            <Mono>{node.verifiedSha256 ?? '—'}</Mono>
          </Td>
          <Td>
            {node.lastJob ? (
              <TextLink href={`/jobs/${node.lastJob.id}`}>
                {node.lastJob.kind} {node.lastJob.status}
              </TextLink>
            ) : (
              '—'
            )}
          </Td>
          <Td className="space-x-2 whitespace-nowrap">
            {node.mayOffer && (
              <Button variant="secondary" disabled={pending} onClick={() => onOffer(node)}>
                Offer
              </Button>
            )}
            {node.mayRemove && (
              <ConfirmButton
                label={node.state === 'installing' ? 'Cancel install' : 'Remove'}
                title={`${node.state === 'installing' ? 'Cancel the install on' : 'Remove it from'} ${node.nodeName}?`}
                confirmLabel={node.state === 'installing' ? 'Cancel install' : 'Remove'}
                disabled={pending}
                onConfirm={() => onRemove(node)}
              >
                {node.state === 'installed'
                  ? `The file of ${imageName} is deleted from ${node.nodeName}, which stops offering it.`
                  : `What ${node.nodeName} holds of ${imageName} is removed.`}
              </ConfirmButton>
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
