import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { GrantRoleForm } from '@/components/access/grant-role-form';
import { GrantsTable } from '@/components/access/grants-table';
import { UserAccountActions } from '@/components/access/user-account-actions';
import { Card, Details, PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { getUserWithGrants, grantableDataCenters } from '@/lib/users/queries';

export const metadata: Metadata = { title: 'User' };

export default async function UserAccessPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireUser();
  if (!can(viewer, 'users.manage', {})) notFound();
  const user = await getUserWithGrants(viewer, id);
  if (!user) notFound();
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/access', label: 'Access' }]}
        title={user.username}
        description={user.name || undefined}
      />
      <Section title="Account">
        <Details
          items={[
            ['Status', <StatusBadge key="status" status={user.disabled ? 'disabled' : 'enabled'} />],
            ['SuperAdmin', user.isSuperAdmin ? 'Yes: may do everything, everywhere' : 'No'],
            ['Created', formatDateTime(user.createdAt)],
          ]}
        />
        <div className="mt-4">
          <UserAccountActions user={user} />
        </div>
      </Section>
      <Section title="Roles">
        {user.isSuperAdmin && (
          <p className="mb-3 text-sm text-slate-600">
            As a SuperAdmin, {user.username} may do everything; the roles below matter only without it.
          </p>
        )}
        <GrantsTable userId={user.id} username={user.username} grants={user.grants} />
      </Section>
      <Section title="Grant a role">
        <Card>
          <GrantRoleForm userId={user.id} dataCenters={await grantableDataCenters(viewer)} />
        </Card>
      </Section>
    </>
  );
}
