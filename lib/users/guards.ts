import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { users } from '@/lib/db/tables';
import { ConflictError, NotFoundError } from '@/lib/errors';

export type UserRow = typeof users.$inferSelect;

export function requireUserRow(userId: string): UserRow {
  const row = getDb().select().from(users).where(eq(users.id, userId)).get();
  if (!row) throw new NotFoundError('That user');
  return row;
}

/**
 * Refuses to take away the portal's last way in: disabling yourself would end your own session
 * mid-task, and without an enabled SuperAdmin nobody could manage users again. The second check
 * matters when two SuperAdmins act on each other at once: the second request still carries a
 * SuperAdmin context loaded before the first one disabled it.
 */
export function ensureMayDisable(target: UserRow, actor: UserContext): void {
  if (target.id === actor.id) throw new ConflictError('You cannot disable your own account. Ask another SuperAdmin.');
  ensureNotLastSuperAdmin(target);
}

/** The same rules for taking the SuperAdmin flag away. */
export function ensureMayRemoveSuperAdmin(target: UserRow, actor: UserContext): void {
  if (target.id === actor.id)
    throw new ConflictError('You cannot remove your own SuperAdmin flag. Ask another SuperAdmin.');
  ensureNotLastSuperAdmin(target);
}

function ensureNotLastSuperAdmin(target: UserRow): void {
  if (target.isSuperAdmin && !target.disabled && !anotherEnabledSuperAdmin(target.id)) {
    throw new ConflictError(`${target.username} is the last enabled SuperAdmin; make someone else SuperAdmin first.`);
  }
}

function anotherEnabledSuperAdmin(userId: string): boolean {
  const other = getDb()
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.isSuperAdmin, true), eq(users.disabled, false), ne(users.id, userId)))
    .get();
  return other !== undefined;
}
