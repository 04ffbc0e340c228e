import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CloudAccountForm } from '@/components/clouds/cloud-account-form';
import { CloudAccountsTable } from '@/components/clouds/cloud-accounts-table';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listCloudAccounts } from '@/lib/clouds/queries';
import { listDataCenters } from '@/lib/locations/queries';

export const metadata: Metadata = { title: 'Clouds' };

export default async function CloudsPage() {
  const user = await requireUser();
  if (!can(user, 'cloud.manage', {})) notFound();
  return (
    <>
      <PageHeader
        title="Clouds"
        description="Accounts in external clouds that images are published to: OpenStack Glance, S3-compatible object storage and Azure Blob storage. Their credentials are stored encrypted and never shown again."
      />
      <Section title="Cloud accounts">
        <CloudAccountsTable accounts={await listCloudAccounts(user)} />
      </Section>
      <Section title="Add a cloud account">
        <Card>
          <CloudAccountForm dataCenters={await listDataCenters(user)} />
        </Card>
      </Section>
    </>
  );
}
