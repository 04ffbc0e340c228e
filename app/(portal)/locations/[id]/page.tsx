import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JobsTable } from '@/components/jobs/jobs-table';
import { DataCenterMachinesTable } from '@/components/locations/data-center-machines-table';
import { LocationActions } from '@/components/locations/location-actions';
import { LocationGauges } from '@/components/locations/location-gauges';
import { LocationImages } from '@/components/locations/location-images';
import { NodesTable } from '@/components/locations/nodes-table';
import { RenameDataCenter } from '@/components/locations/rename-data-center';
import { VmSizesTable } from '@/components/locations/vm-sizes-table';
import { LinkButton } from '@/components/ui/button';
import { PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listJobs } from '@/lib/jobs/queries';
import { attachableImages, imagesAttachedToDataCenter, mayAttachImagesTo } from '@/lib/locations/attached-images';
import { locationGauges } from '@/lib/locations/gauges';
import { getDataCenter, listNodesOfDataCenter } from '@/lib/locations/queries';
import { machinesInDataCenter } from '@/lib/machines/queries';
import { sizesForDataCenter } from '@/lib/sizes/queries';

export const metadata: Metadata = { title: 'Location details' };

const RECENT_JOBS = 10;

export default async function LocationDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const dataCenter = getDataCenter(user, id);
  const gauges = locationGauges(user, id);
  if (!dataCenter || !gauges) notFound();
  const nodes = listNodesOfDataCenter(user, id);
  const sizes = sizesForDataCenter(user, id);
  const canManage = can(user, 'infrastructure.manage', {});
  const mayAttach = mayAttachImagesTo(user, id);
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
        actions={
          <>
            {canManage && <RenameDataCenter dataCenter={dataCenter} />}
            <LocationActions
              dataCenterId={id}
              mayManage={canManage}
              mayAttach={mayAttach}
              sizes={sizes.map((s) => ({ ...s, fitsSomewhere: [s.here, ...s.elsewhere].some((p) => p?.available) }))}
            />
          </>
        }
      />
      <LocationGauges gauges={gauges} />
      <Section
        title="Nodes"
        actions={
          canManage && (
            <LinkButton variant="secondary" href={`/locations/${id}/nodes/new`}>
              Register node
            </LinkButton>
          )
        }
      >
        <NodesTable
          nodes={nodes}
          emptyHint={
            canManage ? 'No nodes yet. Register the first node of this data center.' : 'This data center has no nodes.'
          }
        />
      </Section>
      <Section title="Images attached">
        <LocationImages
          dataCenter={{ id, name: dataCenter.name }}
          nodeCount={nodes.length}
          images={imagesAttachedToDataCenter(user, id)}
          candidates={attachableImages(user, id)}
          mayAttach={mayAttach}
        />
      </Section>
      <Section title="VM sizes">
        <VmSizesTable dataCenterName={dataCenter.name} sizes={sizes} mayManage={canManage} />
      </Section>
      <Section title="Machines">
        <DataCenterMachinesTable dataCenterName={dataCenter.name} machines={machinesInDataCenter(user, id)} />
      </Section>
      <Section title="Recent jobs">
        <JobsTable
          caption={`Recent jobs in ${dataCenter.name}`}
          jobs={listJobs(user, { dataCenterId: id, limit: RECENT_JOBS })}
          empty="No job has run in this data center yet."
        />
      </Section>
    </>
  );
}
