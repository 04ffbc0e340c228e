import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JobsTable } from '@/components/jobs/jobs-table';
import { DataCenterMachinesTable } from '@/components/locations/data-center-machines-table';
import { LocationActions } from '@/components/locations/location-actions';
import { LocationGauges } from '@/components/locations/location-gauges';
import { LocationImages } from '@/components/locations/location-images';
import { NodesTable } from '@/components/locations/nodes-table';
import { RelayInstallsForm } from '@/components/locations/relay-installs-form';
import { RenameDataCenter } from '@/components/locations/rename-data-center';
import { TablePagination } from '@/components/locations/table-pagination';
import { VmSizesTable } from '@/components/locations/vm-sizes-table';
import { LinkButton } from '@/components/ui/button';
import { PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listJobs } from '@/lib/jobs/queries';
import { listImagesAttachedToDataCenter, mayAttachImagesTo } from '@/lib/locations/attached-images';
import { locationGauges } from '@/lib/locations/gauges';
import { getDataCenter, listNodesOfDataCenterPage } from '@/lib/locations/queries';
import { requestedPages, type TablePage } from '@/lib/locations/table-page';
import { listMachinesInDataCenterPage } from '@/lib/machines/queries';
import { listSizesForDataCenterPage, sizesForDataCenter } from '@/lib/sizes/queries';
import type { RawParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Location details' };

const RECENT_JOBS = 10;

/** Each table's page is in the URL under its own name, so paging one leaves the others be. */
const TABLE_PAGES = ['nodesPage', 'imagesPage', 'sizesPage', 'machinesPage'] as const;

export default async function LocationDetailsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawParams>;
}) {
  const { id } = await params;
  const user = await requireUser();
  const dataCenter = await getDataCenter(user, id);
  const gauges = await locationGauges(user, id);
  if (!dataCenter || !gauges) notFound();
  const pages = requestedPages(await searchParams, TABLE_PAGES);
  const nodes = await listNodesOfDataCenterPage(user, id, pages.nodesPage);
  const images = await listImagesAttachedToDataCenter(user, id, pages.imagesPage);
  const sizes = await listSizesForDataCenterPage(user, id, pages.sizesPage);
  const machines = await listMachinesInDataCenterPage(user, id, pages.machinesPage);
  const canManage = can(user, 'infrastructure.manage', {});
  const mayAttach = mayAttachImagesTo(user, id);
  const pager = (param: (typeof TABLE_PAGES)[number], table: TablePage<unknown>, label: string, section: string) => (
    <TablePagination
      pathname={`/locations/${id}`}
      pages={pages}
      param={param}
      table={table}
      label={label}
      section={section}
    />
  );
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
              // Delete unused VM sizes offers every size; only those who may delete them get the list.
              sizes={(canManage ? await sizesForDataCenter(user, id) : []).map((s) => ({
                ...s,
                fitsSomewhere: [s.here, ...s.elsewhere].some((p) => p?.available),
              }))}
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
        <RelayInstallsForm
          dataCenter={{ id: dataCenter.id, relayInstalls: dataCenter.relayInstalls }}
          mayManage={canManage}
        />
        <NodesTable
          nodes={nodes.rows}
          emptyHint={
            canManage ? 'No nodes yet. Register the first node of this data center.' : 'This data center has no nodes.'
          }
        />
        {pager('nodesPage', nodes, 'Pages of nodes', 'section-nodes')}
      </Section>
      <Section title="Images attached">
        <LocationImages
          dataCenter={{ id, name: dataCenter.name }}
          nodeCount={nodes.total}
          images={images.rows}
          mayAttach={mayAttach}
        />
        {pager('imagesPage', images, 'Pages of images attached', 'section-images-attached')}
      </Section>
      <Section title="VM sizes">
        <VmSizesTable dataCenterName={dataCenter.name} sizes={sizes.rows} mayManage={canManage} />
        {pager('sizesPage', sizes, 'Pages of VM sizes', 'section-vm-sizes')}
      </Section>
      <Section title="Machines">
        <DataCenterMachinesTable dataCenterName={dataCenter.name} machines={machines.rows} />
        {pager('machinesPage', machines, 'Pages of machines', 'section-machines')}
      </Section>
      <Section title="Recent jobs">
        <JobsTable
          caption={`Recent jobs in ${dataCenter.name}`}
          jobs={await listJobs(user, { dataCenterId: id, limit: RECENT_JOBS })}
          empty="No job has run in this data center yet."
        />
      </Section>
    </>
  );
}
