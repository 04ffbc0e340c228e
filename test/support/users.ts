/**
 * Users for integration tests, created as the portal stores them. Light on purpose (no install
 * pipeline, no job runner), so tests that only read can use it; test/support/portal.ts re-exports it.
 */
import { insertUser, getUserContext } from '@/lib/auth/users';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import type { Role } from '@/lib/db/enums';
import { getDb } from '@/lib/db/client';
import { roleGrants } from '@/lib/db/tables';

let counter = 0;

export async function createSuperAdmin(): Promise<UserContext> {
  const id = await insertUser({ username: `admin${++counter}`, password: 'correct horse battery', isSuperAdmin: true });
  return (await getUserContext(id))!;
}

/** A user holding one role (or several) in one data center; the username says which. */
export async function createUserWithRole(role: Role | Role[], dataCenterId: string): Promise<UserContext> {
  const roles = [role].flat();
  const id = await insertUser({ username: `${roles.join('+')}-${++counter}`, password: 'long enough password' });
  for (const r of roles)
    await getDb().insert(roleGrants).values({ userId: id, dataCenterId, role: r, createdAt: now() });
  return (await getUserContext(id))!;
}
