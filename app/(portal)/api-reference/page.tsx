import type { Metadata } from 'next';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { ENDPOINTS } from '@/lib/api/v1/endpoints/index';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'JSON API' };

/** The API page: the endpoints, from the same registry the routes and the OpenAPI document use. */
export default async function ApiReferencePage() {
  await requireUser();
  const tags = [...new Set(ENDPOINTS.map((e) => e.tag))];
  return (
    <>
      <PageHeader
        title="JSON API v1"
        description={
          <>
            For scripts: the same validation, role checks and audit as this UI. The full description is the{' '}
            <TextLink href="/api/v1/openapi.json">OpenAPI 3.1 document</TextLink>.
          </>
        }
      />
      <Section title="Getting a token">
        <Card>
          <p className="mb-3 text-sm text-slate-700">
            Create one on your <TextLink href="/profile">Profile</TextLink>, or trade a username and password for one.
            Send it as <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.
          </p>
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {`curl -s -X POST -H 'Content-Type: application/json' \\
  -d '{"username":"alice","password":"…"}' http://localhost:3000/api/v1/session
curl -s -H "Authorization: Bearer $TOKEN" 'http://localhost:3000/api/v1/images?q=ubuntu'`}
          </pre>
          <p className="mt-3 text-sm text-slate-700">
            Errors are <code className="font-mono text-xs">{'{"error": {"code", "message", "fields"}}'}</code> with 400
            (bad input), 401 (no or bad token), 403 (refused), 404, 409 (conflict) or 428 (the image is in use).
          </p>
        </Card>
      </Section>
      {tags.map((tag) => (
        <Section key={tag} title={tag}>
          <Table caption={`${tag} endpoints`} columns={['Method', 'Path', 'What it does']} isEmpty={false} empty="">
            {ENDPOINTS.filter((e) => e.tag === tag).map((e) => (
              <tr key={`${e.method} ${e.path}`}>
                <Td className="font-mono text-xs font-semibold">{e.method}</Td>
                <Td className="font-mono text-xs">/api/v1{e.path}</Td>
                <Td>{e.summary}</Td>
              </tr>
            ))}
          </Table>
        </Section>
      ))}
    </>
  );
}
