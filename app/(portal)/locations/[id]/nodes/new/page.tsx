import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RegisterNodeWizard } from '@/components/nodes/register-node-wizard';
import { Card, PageHeader } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listCredentials } from '@/lib/credentials/queries';
import { getDataCenter } from '@/lib/locations/queries';

export const metadata: Metadata = { title: 'Register node' };

export default async function RegisterNodePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const dataCenter = await getDataCenter(user, id);
  if (!dataCenter || !can(user, 'infrastructure.manage', {})) notFound();
  return (
    <>
      <PageHeader
        breadcrumb={[
          { href: '/locations', label: 'Data centers' },
          { href: `/locations/${id}`, label: dataCenter.name },
        ]}
        title="Register node"
        description="The portal reaches compute nodes over SSH. It checks the node's host key on every connection."
      />
      <Card>
        <RegisterNodeWizard
          dataCenterId={id}
          credentials={(await listCredentials()).map((c) => ({ id: c.id, name: c.name }))}
        />
      </Card>
    </>
  );
}
