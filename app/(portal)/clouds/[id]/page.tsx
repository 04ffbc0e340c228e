import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CloudAccountForm } from '@/components/clouds/cloud-account-form';
import { KIND_LABELS } from '@/components/clouds/cloud-kind-fields';
import { ConnectionState } from '@/components/clouds/connection-state';
import { DeleteCloudAccountButton } from '@/components/clouds/delete-cloud-account-button';
import { TestConnectionButton } from '@/components/clouds/test-connection-button';
import { Card, Details, PageHeader, Section } from '@/components/ui/layout';
import { requireUser } from '@/lib/auth/session';
import { getCloudAccountView } from '@/lib/clouds/queries';
import { formatDateTime } from '@/lib/format';
import { listDataCenters } from '@/lib/locations/queries';

export const metadata: Metadata = { title: 'Cloud account' };

export default async function CloudAccountPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const account = await getCloudAccountView(user, (await params).id);
  if (!account) notFound();
  return (
    <>
      <PageHeader
        title={account.name}
        breadcrumb={[{ href: '/clouds', label: 'Clouds' }]}
        description={KIND_LABELS[account.kind]}
        actions={
          <>
            <TestConnectionButton account={account} />
            <DeleteCloudAccountButton account={account} />
          </>
        }
      />
      <Details
        items={[
          ['Data center', account.dataCenterName ?? 'any (unbound)'],
          ['Connection', <ConnectionState key="state" account={account} />],
          ['Stored secrets', account.storedSecrets.length > 0 ? account.storedSecrets.join(', ') : 'none'],
          ['Added', formatDateTime(account.createdAt)],
        ]}
      />
      <Section title="Change">
        <Card>
          <CloudAccountForm account={account} dataCenters={await listDataCenters(user)} />
        </Card>
      </Section>
    </>
  );
}
