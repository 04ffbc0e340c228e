import 'server-only';
import { count, eq } from 'drizzle-orm';
import { getDb, firstRow } from '@/lib/db/client';
import { roleGrants, users } from '@/lib/db/tables';
import { newId, now } from '@/lib/clock';
import { generatePassword, hashPassword, verifyPassword } from './password';
import type { UserContext } from './policy';

/**
 * The user and their grants, read fresh on every request so role changes apply at once. For a
 * browser session, `signedInAt` is when it signed in: a session older than the user's last password
 * reset is no longer theirs. (API tokens are credentials of their own and pass no session.)
 */
export async function getUserContext(
  userId: string,
  session?: { signedInAt: number | undefined },
): Promise<UserContext | null> {
  const db = getDb();
  const user = await firstRow(db.select().from(users).where(eq(users.id, userId)));
  if (!user || user.disabled) return null;
  if (session && user.sessionsValidFrom && !((session.signedInAt ?? 0) >= user.sessionsValidFrom.getTime()))
    return null;
  const grants = await db
    .select({ dataCenterId: roleGrants.dataCenterId, role: roleGrants.role })
    .from(roleGrants)
    .where(eq(roleGrants.userId, userId));
  return { id: user.id, username: user.username, name: user.name, isSuperAdmin: user.isSuperAdmin, grants };
}

// Compared against when the username is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** The user for a correct username and password of an enabled account, otherwise null. */
export async function verifyLogin(username: string, password: string): Promise<{ id: string; name: string } | null> {
  const user = await firstRow(getDb().select().from(users).where(eq(users.username, username)));
  if (!user) {
    dummyHash ??= hashPassword('not a real password');
    await verifyPassword(password, await dummyHash);
    return null;
  }
  const ok = await verifyPassword(password, user.passwordHash);
  if (!ok || user.disabled) return null;
  return { id: user.id, name: user.name || user.username };
}

export async function insertUser(input: { username: string; name?: string; password: string; isSuperAdmin?: boolean }) {
  const at = now();
  const id = newId();
  await getDb()
    .insert(users)
    .values({
      id,
      username: input.username,
      name: input.name ?? '',
      passwordHash: await hashPassword(input.password),
      isSuperAdmin: input.isSuperAdmin ?? false,
      createdAt: at,
      updatedAt: at,
    });
  return id;
}

/**
 * On first start, when no user exists, creates one SuperAdmin: from PORTAL_ADMIN_USER and
 * PORTAL_ADMIN_PASSWORD when set, otherwise with a generated password that is printed once.
 */
export async function ensureFirstAdmin(env: { adminUser?: string; adminPassword?: string }): Promise<void> {
  const [{ n }] = (await getDb().select({ n: count() }).from(users)) as [{ n: number }];
  if (n > 0) return;
  const username = env.adminUser ?? 'admin';
  const password = env.adminPassword ?? generatePassword();
  await insertUser({ username, name: 'Administrator', password, isSuperAdmin: true });
  if (env.adminPassword) {
    console.log(`[portal] Created SuperAdmin "${username}" with the configured password.`);
  } else {
    console.log(
      `[portal] Created SuperAdmin "${username}" with password: ${password}\n` +
        '[portal] This password is shown once. Sign in and keep it somewhere safe.',
    );
  }
}
