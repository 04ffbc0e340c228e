import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { users } from '@/lib/db/tables';
import { ConflictError, NotFoundError } from '@/lib/errors';

export type UserRow = typeof users.$inferSelect;

export async function requireUserRow(userId: string): Promise<UserRow> {
  const row = await firstRow(getDb().select().from(users).where(eq(users.id, userId)));
  if (!row) throw new NotFoundError('That user');
  return row;
}

/**
 * Refuses to take away the portal's last way in: disabling yourself would end your own session
 * mid-task, and without an enabled SuperAdmin nobody could manage users again. The second check
 * matters when two SuperAdmins act on each other at once: the second request still carries a
 * SuperAdmin context loaded before the first one disabled it.
 */
export async function ensureMayDisable(target: UserRow, actor: UserContext): Promise<void> {
  if (target.id === actor.id) throw new ConflictError('You cannot disable your own account. Ask another SuperAdmin.');
  await ensureNotLastSuperAdmin(target);
}

/** The same rules for taking the SuperAdmin flag away. */
export async function ensureMayRemoveSuperAdmin(target: UserRow, actor: UserContext): Promise<void> {
  if (target.id === actor.id)
    throw new ConflictError('You cannot remove your own SuperAdmin flag. Ask another SuperAdmin.');
  await ensureNotLastSuperAdmin(target);
}

async function ensureNotLastSuperAdmin(target: UserRow): Promise<void> {
  if (target.isSuperAdmin && !target.disabled && !(await anotherEnabledSuperAdmin(target.id))) {
    throw new ConflictError(`${target.username} is the last enabled SuperAdmin; make someone else SuperAdmin first.`);
  }
}

async function anotherEnabledSuperAdmin(userId: string): Promise<boolean> {
  const other = await firstRow(
    getDb()
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.isSuperAdmin, true), eq(users.disabled, false), ne(users.id, userId))),
  );
  return other !== undefined;
}
