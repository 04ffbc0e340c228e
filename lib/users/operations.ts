import 'server-only';
import { eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { hashPassword } from '@/lib/auth/password';
import { insertUser } from '@/lib/auth/users';
import { getDb, firstRow } from '@/lib/db/client';
import { users } from '@/lib/db/tables';
import { now } from '@/lib/clock';
import { ConflictError } from '@/lib/errors';
import { ensureMayDisable, ensureMayRemoveSuperAdmin, requireUserRow } from './guards';
import { createUserSchema, resetPasswordSchema, superAdminFlagSchema, userIdSchema } from './schemas';

/** Users are a SuperAdmin matter; every operation here asks for 'users.manage'. */
const onlyUserManagers = (_input: unknown, user: Parameters<typeof authorize>[0]) =>
  authorize(user, 'users.manage', {});

export const createUser = defineOperation({
  name: 'user.create',
  targetType: 'user',
  input: createUserSchema,
  authorize: onlyUserManagers,
  run: async (input) => {
    const taken = await firstRow(
      getDb().select({ id: users.id }).from(users).where(eq(users.username, input.username)),
    );
    if (taken)
      throw new ConflictError('That username is taken.', {
        username: [`A user named "${input.username}" already exists.`],
      });
    return { id: await insertUser(input) };
  },
  // The password never reaches the audit log; the wrapper records only what this returns.
  audited: (result, input) => ({
    targetId: result.id,
    details: { username: input.username, isSuperAdmin: input.isSuperAdmin },
  }),
});

function setDisabled(name: string, disabled: boolean) {
  return defineOperation({
    name,
    targetType: 'user',
    input: userIdSchema,
    authorize: (input, user, note) => {
      note({ targetId: input.userId });
      authorize(user, 'users.manage', {});
    },
    run: async (input, actor) => {
      const target = await requireUserRow(input.userId);
      if (disabled) await ensureMayDisable(target, actor);
      await getDb().update(users).set({ disabled, updatedAt: now() }).where(eq(users.id, target.id));
      return { id: target.id, username: target.username };
    },
    audited: (result) => ({ details: { username: result.username } }),
  });
}

/** A disabled user cannot sign in, and their open sessions end on their next request (lib/auth/users.ts). */
export const disableUser = setDisabled('user.disable', true);
export const enableUser = setDisabled('user.enable', false);

export const resetUserPassword = defineOperation({
  name: 'user.reset-password',
  targetType: 'user',
  input: resetPasswordSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.userId });
    authorize(user, 'users.manage', {});
  },
  run: async (input) => {
    const target = await requireUserRow(input.userId);
    const passwordHash = await hashPassword(input.password);
    // Whoever knew the old password may hold a session: every session signed in before now ends.
    await getDb()
      .update(users)
      .set({ passwordHash, sessionsValidFrom: now(), updatedAt: now() })
      .where(eq(users.id, target.id));
    return { id: target.id, username: target.username };
  },
  audited: (result) => ({ details: { username: result.username, sessionsEnded: true } }),
});

/** SuperAdmin is a flag on the user, not a grant; like grants it applies on the next request. */
export const setSuperAdmin = defineOperation({
  name: 'user.set-superadmin',
  targetType: 'user',
  input: superAdminFlagSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.userId });
    authorize(user, 'users.manage', {});
  },
  run: async (input, actor) => {
    const target = await requireUserRow(input.userId);
    if (!input.isSuperAdmin) await ensureMayRemoveSuperAdmin(target, actor);
    await getDb()
      .update(users)
      .set({ isSuperAdmin: input.isSuperAdmin, updatedAt: now() })
      .where(eq(users.id, target.id));
    return { id: target.id, username: target.username };
  },
  audited: (result, input) => ({ details: { username: result.username, isSuperAdmin: input.isSuperAdmin } }),
});

// Role grants are the other half of managing users.
export { grantRole, revokeRole } from './grants';
