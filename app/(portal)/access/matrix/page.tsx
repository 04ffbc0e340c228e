import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AccessMatrixTable } from '@/components/access/access-matrix-table';
import { DataCenterPicker } from '@/components/access/data-center-picker';
import { RoleHoldersTable } from '@/components/access/role-holders-table';
import { PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { grantableDataCenters, roleHoldersOf } from '@/lib/users/queries';

export const metadata: Metadata = { title: 'Access matrix' };

export default async function AccessMatrixPage({
  searchParams,
}: {
  searchParams: Promise<{ dc?: string | string[] }>;
}) {
  const user = await requireUser();
  if (!can(user, 'users.manage', {})) notFound();
  const dataCenters = await grantableDataCenters(user);
  const { dc } = await searchParams;
  // An unknown or missing id falls back to the first data center rather than failing.
  const chosen = dataCenters.find((d) => d.id === (Array.isArray(dc) ? dc[0] : dc)) ?? dataCenters[0];
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/access', label: 'Access' }]}
        title="Access matrix"
        description="Who holds which role on a data center, and what each role may do there."
      />
      {chosen ? (
        <Section title={`Roles on ${chosen.name}`}>
          <DataCenterPicker dataCenters={dataCenters} chosenId={chosen.id} />
          <RoleHoldersTable holders={await roleHoldersOf(user, chosen.id)} dataCenterName={chosen.name} />
        </Section>
      ) : (
        <p className="mb-8 text-sm text-slate-600">There are no data centers yet, so nobody holds a role anywhere.</p>
      )}
      <Section title="What each role may do">
        <AccessMatrixTable />
      </Section>
    </>
  );
}
