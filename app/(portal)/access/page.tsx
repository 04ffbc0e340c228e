import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CreateUserForm } from '@/components/access/create-user-form';
import { UsersTable } from '@/components/access/users-table';
import { LinkButton } from '@/components/ui/button';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { listUsersWithGrants } from '@/lib/users/queries';

export const metadata: Metadata = { title: 'Access' };

export default async function AccessPage() {
  const user = await requireUser();
  if (!can(user, 'users.manage', {})) notFound();
  return (
    <>
      <PageHeader
        title="Access"
        description="Users, their roles per data center, and what each role may do."
        actions={
          <LinkButton href="/access/matrix" variant="secondary">
            Access matrix
          </LinkButton>
        }
      />
      <Section title="Users">
        <UsersTable users={await listUsersWithGrants(user)} />
      </Section>
      <Section title="Create a user">
        <Card>
          <CreateUserForm />
        </Card>
      </Section>
    </>
  );
}
