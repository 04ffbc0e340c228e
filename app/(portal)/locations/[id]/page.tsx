import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { NodesTable } from '@/components/locations/nodes-table';
import { LinkButton } from '@/components/ui/button';
import { PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { getDataCenter, listNodesOfDataCenter } from '@/lib/locations/queries';

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
    </>
  );
}
