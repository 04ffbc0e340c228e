import type { Metadata } from 'next';
import { TextLink } from '@/components/ui/text-link';
import { CreateDataCenterForm } from '@/components/locations/create-data-center-form';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { Table, Td } from '@/components/ui/table';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listDataCenters } from '@/lib/locations/queries';

export const metadata: Metadata = { title: 'Data centers' };

export default async function LocationsPage() {
  const user = await requireUser();
  const dataCenters = await listDataCenters(user);
  const canManage = can(user, 'infrastructure.manage', {});
  return (
    <>
      <PageHeader title="Data centers" description="Locations and the compute nodes in them." />
      <Section title="All data centers">
        <Table
          caption="Data centers"
          columns={['Name', 'Code', 'Nodes', 'Description']}
          isEmpty={dataCenters.length === 0}
          empty={
            canManage ? 'No data centers yet. Create the first one below.' : 'You have no role on any data center yet.'
          }
        >
          {dataCenters.map((dc) => (
            <tr key={dc.id}>
              <Td>
                <TextLink href={`/locations/${dc.id}`} className="font-medium">
                  {dc.name}
                </TextLink>
              </Td>
              <Td className="font-mono text-xs">{dc.code}</Td>
              <Td>
                {dc.enabledNodeCount} enabled / {dc.nodeCount}
              </Td>
              <Td className="text-slate-600">{dc.description || '—'}</Td>
            </tr>
          ))}
        </Table>
      </Section>
      {canManage && (
        <Section title="Create a data center">
          <Card>
            <CreateDataCenterForm />
          </Card>
        </Section>
      )}
    </>
  );
}
