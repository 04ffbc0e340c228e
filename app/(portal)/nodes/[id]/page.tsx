import type { Metadata } from 'next';
import { TextLink } from '@/components/ui/text-link';
import { notFound } from 'next/navigation';
import { MachinesTable } from '@/components/machines/machines-table';
import { RecordMachineForm } from '@/components/machines/record-machine-form';
import { NodeStatusActions } from '@/components/nodes/node-status-actions';
import { RepinHostKey } from '@/components/nodes/repin-host-key';
import { TestConnectionButton } from '@/components/nodes/test-connection-button';
import { Details, Mono, PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { formatBytes, formatDateTime } from '@/lib/format';
import { listImages } from '@/lib/images/queries';
import { machinesOnNode } from '@/lib/machines/queries';
import { getNodeDetails, listImagesOnNode } from '@/lib/nodes/queries';

export const metadata: Metadata = { title: 'Node details' };

export default async function NodeDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const details = getNodeDetails(user, id);
  if (!details) notFound();
  const { node, dataCenter, publicKey } = details;
  const imagesOnNode = listImagesOnNode(id);
  const mayManage = can(user, 'infrastructure.manage', {});
  const installedImages = imagesOnNode.filter((i) => i.state === 'installed').length;
  return (
    <>
      <PageHeader
        breadcrumb={[
          { href: '/locations', label: 'Data centers' },
          { href: `/locations/${dataCenter.id}`, label: dataCenter.name },
        ]}
        title={node.name}
        description={
          <span className="flex flex-wrap items-center gap-2" data-testid="node-status">
            <StatusBadge status={node.status} />
            {node.statusReason && <span data-testid="node-status-reason">{node.statusReason}</span>}
          </span>
        }
        actions={
          mayManage && (
            <>
              <NodeStatusActions
                node={{ id: node.id, name: node.name, status: node.status }}
                installedImages={installedImages}
              />
              <TestConnectionButton nodeId={node.id} />
            </>
          )
        }
      />
      <Section title="Connection">
        <Details
          items={[
            ['Address', <Mono key="a">{`${node.host}:${node.port}`}</Mono>],
            ['SSH user', node.sshUser],
            ['Image directory', <Mono key="d">{node.imageDir}</Mono>],
            ['Pinned host key', <Mono key="f">{node.hostKeyFingerprint}</Mono>],
            ['Public key', <Mono key="k">{publicKey}</Mono>],
            ['Last seen', formatDateTime(node.lastSeenAt)],
            ['Last error', node.lastError ? <span className="text-red-700">{node.lastError}</span> : 'none'],
            ['Failed connections in a row', node.consecutiveFailures],
          ]}
        />
        {mayManage && node.status !== 'decommissioned' && <RepinHostKey nodeId={node.id} />}
      </Section>
      <Section title="Capacity">
        <Details
          items={[
            ['CPUs', node.cpus ?? '—'],
            ['Memory', formatBytes(node.memoryBytes)],
            [
              'Free disk (image directory)',
              `${formatBytes(node.diskFreeBytes)} of ${formatBytes(node.diskTotalBytes)}`,
            ],
          ]}
        />
      </Section>
      <Section title="Images on this node">
        <Table
          caption="Images on this node"
          columns={['Image', 'State', 'Available', 'Path', 'Size', 'Installed', 'Last job']}
          isEmpty={imagesOnNode.length === 0}
          empty="No image has been installed on this node yet. Install one from its Image Details page."
        >
          {imagesOnNode.map((i) => (
            <tr key={i.imageId}>
              <Td>
                <TextLink href={`/images/${i.imageId}`} className="font-medium">
                  {i.name}
                </TextLink>{' '}
                <span className="text-slate-500">{i.version}</span>
              </Td>
              <Td>
                <StatusBadge status={i.state} />
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
      </Section>
      <Section title="Machines on this node">
        <MachinesTable
          caption="Machines on this node"
          otherColumn="Image"
          machines={machinesOnNode(id).map((m) => ({
            ...m,
            other: { href: `/images/${m.imageId}`, label: m.imageName },
          }))}
          empty="No machine is recorded on this node."
          canRemove={mayManage}
        />
        {mayManage && (
          <div className="mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <RecordMachineForm
              nodeId={id}
              images={listImages(user).map((i) => ({ value: i.id, label: `${i.name} (${i.version})` }))}
            />
          </div>
        )}
      </Section>
    </>
  );
}
