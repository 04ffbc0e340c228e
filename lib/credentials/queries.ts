import 'server-only';
import { asc, isNull } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { credentials, nodes } from '@/lib/db/tables';

export type CredentialRow = {
  id: string;
  name: string;
  publicKey: string;
  createdAt: Date;
  nodes: { id: string; name: string }[];
};

/**
 * Every SSH key with the nodes that log in with it; public parts only, the private key never leaves
 * lib/. Keys of node registrations still under way are not keys yet: they are left out.
 */
export async function listCredentials(): Promise<CredentialRow[]> {
  const db = getDb();
  const users = new Map<string, { id: string; name: string }[]>();
  for (const n of await db
    .select({ id: nodes.id, name: nodes.name, credentialId: nodes.credentialId })
    .from(nodes)
    .orderBy(asc(nodes.name))) {
    users.set(n.credentialId, [...(users.get(n.credentialId) ?? []), { id: n.id, name: n.name }]);
  }
  return (
    await db
      .select({
        id: credentials.id,
        name: credentials.name,
        publicKey: credentials.publicKey,
        createdAt: credentials.createdAt,
      })
      .from(credentials)
      .where(isNull(credentials.provisionalUntil))
      .orderBy(asc(credentials.name))
  ).map((c) => ({ ...c, nodes: users.get(c.id) ?? [] }));
}
