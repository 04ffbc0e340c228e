import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CredentialsTable } from '@/components/credentials/credentials-table';
import { GenerateKeyForm } from '@/components/credentials/generate-key-form';
import { ImportKeyForm } from '@/components/credentials/import-key-form';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listCredentials } from '@/lib/credentials/queries';

export const metadata: Metadata = { title: 'Credentials' };

export default async function CredentialsPage() {
  const user = await requireUser();
  if (!can(user, 'infrastructure.manage', {})) notFound();
  return (
    <>
      <PageHeader
        title="Credentials"
        description="SSH keys the portal logs in to nodes with. Private keys are stored encrypted and never shown again."
      />
      <Section title="SSH keys">
        <CredentialsTable credentials={await listCredentials()} />
      </Section>
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Generate a key">
          <Card>
            <GenerateKeyForm />
          </Card>
        </Section>
        <Section title="Import a private key">
          <Card>
            <ImportKeyForm />
          </Card>
        </Section>
      </div>
    </>
  );
}
