import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DataCenterMachinesTable } from '@/components/locations/data-center-machines-table';
import { LocationImages } from '@/components/locations/location-images';
import { NodesTable } from '@/components/locations/nodes-table';
import { LinkButton } from '@/components/ui/button';
import { PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { attachableImages, imagesAttachedToDataCenter, mayAttachImagesTo } from '@/lib/locations/attached-images';
import { getDataCenter, listNodesOfDataCenter } from '@/lib/locations/queries';
import { machinesInDataCenter } from '@/lib/machines/queries';

export const metadata: Metadata = { title: 'Location details' };

export default async function LocationDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const dataCenter = getDataCenter(user, id);
  if (!dataCenter) notFound();
  const nodes = listNodesOfDataCenter(user, id);
  const canManage = can(user, 'infrastructure.manage', {});
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/locations', label: 'Data centers' }]}
        title={dataCenter.name}
        description={
          <>
            <span className="font-mono">{dataCenter.code}</span>
            {dataCenter.description && <> · {dataCenter.description}</>}
          </>
        }
        actions={canManage && <LinkButton href={`/locations/${id}/nodes/new`}>Register node</LinkButton>}
      />
      <Section title="Nodes">
        <NodesTable
          nodes={nodes}
          emptyHint={canManage ? 'No nodes yet. Register the first node of this data center.' : 'This data center has no nodes.'}
        />
      </Section>
      <Section title="Images attached">
        <LocationImages
          dataCenter={{ id, name: dataCenter.name }}
          nodeCount={nodes.length}
          images={imagesAttachedToDataCenter(user, id)}
          candidates={attachableImages(user, id)}
          mayAttach={mayAttachImagesTo(user, id)}
        />
      </Section>
      <Section title="Machines">
        <DataCenterMachinesTable dataCenterName={dataCenter.name} machines={machinesInDataCenter(user, id)} />
      </Section>
    </>
  );
}
