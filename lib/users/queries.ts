import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { can, effectiveRoles, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import type { Role } from '@/lib/db/enums';
import { dataCenters, roleGrants, users } from '@/lib/db/tables';
import { ForbiddenError } from '@/lib/errors';

/** Everything here is for the Access pages, which only 'users.manage' may open. */
function ensureUserManager(viewer: UserContext): void {
  if (!can(viewer, 'users.manage', {})) throw new ForbiddenError('You may not manage users and role grants.');
}

export type GrantView = { dataCenterId: string; dataCenterName: string; role: Role; effective: boolean };

const userColumns = {
  id: users.id,
  username: users.username,
  name: users.name,
  isSuperAdmin: users.isSuperAdmin,
  disabled: users.disabled,
  createdAt: users.createdAt,
};

async function allGrants() {
  return await getDb()
    .select({
      userId: roleGrants.userId,
      dataCenterId: roleGrants.dataCenterId,
      dataCenterName: dataCenters.name,
      role: roleGrants.role,
    })
    .from(roleGrants)
    .innerJoin(dataCenters, eq(dataCenters.id, roleGrants.dataCenterId))
    .orderBy(asc(dataCenters.name), asc(roleGrants.role));
}

/** Each grant with whether it takes effect, as the policy decides it (effectiveRoles). */
function withEffect(grants: { dataCenterId: string; dataCenterName: string; role: Role }[]): GrantView[] {
  const subject = { id: '', username: '', name: '', isSuperAdmin: false, grants } satisfies UserContext;
  return grants.map((g) => ({ ...g, effective: effectiveRoles(subject, g.dataCenterId).has(g.role) }));
}

/** Every user with their grants, by username. */
export async function listUsersWithGrants(viewer: UserContext) {
  ensureUserManager(viewer);
  const grants = await allGrants();
  return (await getDb().select(userColumns).from(users).orderBy(asc(users.username))).map((u) => ({
    ...u,
    grants: withEffect(grants.filter((g) => g.userId === u.id)),
  }));
}

export type UserWithGrants = Awaited<ReturnType<typeof listUsersWithGrants>>[number];

/** One user with their grants, or null when there is no such user. */
export async function getUserWithGrants(viewer: UserContext, userId: string): Promise<UserWithGrants | null> {
  ensureUserManager(viewer);
  const user = await firstRow(getDb().select(userColumns).from(users).where(eq(users.id, userId)));
  if (!user) return null;
  return { ...user, grants: withEffect((await allGrants()).filter((g) => g.userId === userId)) };
}

/** The data centers a grant can name. */
export async function grantableDataCenters(viewer: UserContext) {
  ensureUserManager(viewer);
  return await getDb()
    .select({ id: dataCenters.id, name: dataCenters.name })
    .from(dataCenters)
    .orderBy(asc(dataCenters.name));
}

/** Who holds which role on one data center: users with a grant there, and the SuperAdmins, who hold all. */
export async function roleHoldersOf(viewer: UserContext, dataCenterId: string) {
  return (await listUsersWithGrants(viewer))
    .filter((u) => u.isSuperAdmin || u.grants.some((g) => g.dataCenterId === dataCenterId))
    .map((u) => ({ ...u, grants: u.grants.filter((g) => g.dataCenterId === dataCenterId) }));
}
