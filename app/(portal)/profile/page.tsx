import type { Metadata } from 'next';
import { CreateTokenForm } from '@/components/profile/create-token-form';
import { RevokeTokenButton } from '@/components/profile/revoke-token-button';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { listOwnApiTokens } from '@/lib/tokens/queries';
import { requireUser } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const user = await requireUser();
  const tokens = await listOwnApiTokens(user);
  return (
    <>
      <PageHeader
        title="Profile"
        description={`Signed in as ${user.username}${user.isSuperAdmin ? ' (SuperAdmin)' : ''}.`}
      />
      <Section title="API tokens">
        <Card>
          <p className="mb-4 text-sm text-slate-700">
            A token lets a script use the <TextLink href="/api-reference">JSON API</TextLink> as you, with your roles as
            they are at each request.
          </p>
          <CreateTokenForm />
        </Card>
      </Section>
      <Table
        caption="Your API tokens"
        columns={['Name', 'Created', 'Last used', 'State', '']}
        isEmpty={tokens.length === 0}
        empty="You have no API tokens yet."
      >
        {tokens.map((token) => (
          <tr key={token.id} data-testid={`token-${token.name}`}>
            <Td className="font-medium">{token.name}</Td>
            <Td className="whitespace-nowrap">{formatDateTime(token.createdAt)}</Td>
            <Td className="whitespace-nowrap">{formatDateTime(token.lastUsedAt)}</Td>
            <Td>{token.revokedAt ? <StatusBadge status="revoked" /> : <StatusBadge status="active" />}</Td>
            <Td>{!token.revokedAt && <RevokeTokenButton tokenId={token.id} name={token.name} />}</Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
