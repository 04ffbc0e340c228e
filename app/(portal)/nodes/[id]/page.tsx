import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TablePagination } from '@/components/locations/table-pagination';
import { MachinesTable } from '@/components/machines/machines-table';
import { RecordMachineForm } from '@/components/machines/record-machine-form';
import { DcAddressForm } from '@/components/nodes/dc-address-form';
import { ImagesOnNodeTable } from '@/components/nodes/images-on-node-table';
import { NodeStatusActions } from '@/components/nodes/node-status-actions';
import { RepinHostKey } from '@/components/nodes/repin-host-key';
import { TestConnectionButton } from '@/components/nodes/test-connection-button';
import { Details, Mono, PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { formatBytes, formatDateTime } from '@/lib/format';
import { requestedPages } from '@/lib/locations/table-page';
import { listMachinesOnNode } from '@/lib/machines/queries';
import { countInstalledImagesOnNode, getNodeDetails, getNodeLabel, listImagesOnNodePage } from '@/lib/nodes/queries';
import type { RawParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Node details' };

/** Each table's page is in the URL under its own name, so paging one leaves the other be. */
const TABLE_PAGES = ['imagesPage', 'machinesPage'] as const;

export default async function NodeDetailsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawParams>;
}) {
  const { id } = await params;
  const user = await requireUser();
  const details = await getNodeDetails(user, id);
  if (!details) notFound();
  const { node, dataCenter, publicKey } = details;
  const pages = requestedPages(await searchParams, TABLE_PAGES);
  const imagesOnNode = await listImagesOnNodePage(id, pages.imagesPage);
  const machines = await listMachinesOnNode(id, pages.machinesPage);
  const mayManage = can(user, 'infrastructure.manage', {});
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
                installedImages={await countInstalledImagesOnNode(id)}
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
            ['Data-center address', <Mono key="dc">{node.dcAddress ?? `${node.host} (its host)`}</Mono>],
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
        {mayManage && node.status !== 'decommissioned' && (
          <DcAddressForm node={{ id: node.id, host: node.host, dcAddress: node.dcAddress }} />
        )}
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
        <ImagesOnNodeTable
          images={await Promise.all(
            imagesOnNode.rows.map(async (i) => ({
              ...i,
              copiedFrom: i.copiedFromNodeId ? await getNodeLabel(i.copiedFromNodeId) : null,
            })),
          )}
          empty="No image has been installed on this node yet. Install one from its Image Details page."
        />
        <TablePagination
          pathname={`/nodes/${id}`}
          pages={pages}
          param="imagesPage"
          table={imagesOnNode}
          label="Pages of images on this node"
          section="section-images-on-this-node"
        />
      </Section>
      <Section title="Machines on this node">
        <MachinesTable
          caption="Machines on this node"
          otherColumn="Image"
          machines={machines.rows.map((m) => ({
            ...m,
            other: { href: `/images/${m.imageId}`, label: m.imageName },
          }))}
          empty="No machine is recorded on this node."
          canRemove={mayManage}
        />
        <TablePagination
          pathname={`/nodes/${id}`}
          pages={pages}
          param="machinesPage"
          table={machines}
          label="Pages of machines on this node"
          section="section-machines-on-this-node"
        />
        {mayManage && (
          <div className="mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <RecordMachineForm nodeId={id} />
          </div>
        )}
      </Section>
    </>
  );
}
