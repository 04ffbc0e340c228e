import 'server-only';
import { requireDataCenter } from '@/lib/locations/queries';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb, firstRow, changedRows } from '@/lib/db/client';
import { roleGrants } from '@/lib/db/tables';
import { now } from '@/lib/clock';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { requireUserRow } from './guards';
import { roleGrantSchema } from './schemas';

type GrantInput = z.output<typeof roleGrantSchema>;

/** The grant's data center is the event's, so that data center's DCAdmins read it in their audit log. */
function noteGrant(
  input: GrantInput,
  note: (facts: { targetId: string; dataCenterId: string; details: Record<string, unknown> }) => void,
) {
  note({ targetId: input.userId, dataCenterId: input.dataCenterId, details: { role: input.role } });
}

const sameGrant = (input: GrantInput) =>
  and(
    eq(roleGrants.userId, input.userId),
    eq(roleGrants.dataCenterId, input.dataCenterId),
    eq(roleGrants.role, input.role),
  );

/**
 * Grants take effect on the grantee's next request: the session holds only the user id, and
 * lib/auth/users.ts getUserContext reads the grants afresh every time.
 */
export const grantRole = defineOperation({
  name: 'user.grant-role',
  targetType: 'user',
  input: roleGrantSchema,
  authorize: (input, user, note) => {
    noteGrant(input, note);
    authorize(user, 'users.manage', {});
  },
  run: async (input) => {
    const target = await requireUserRow(input.userId);
    const dc = await requireDataCenter(input.dataCenterId);
    if (await firstRow(getDb().select().from(roleGrants).where(sameGrant(input)))) {
      throw new ConflictError(`${target.username} already holds ${input.role} on ${dc.name}.`);
    }
    await getDb()
      .insert(roleGrants)
      .values({ ...input, createdAt: now() });
    return { userId: target.id, username: target.username, dataCenterName: dc.name };
  },
  audited: (result, input) => ({
    details: { role: input.role, username: result.username, dataCenter: result.dataCenterName },
  }),
});

export const revokeRole = defineOperation({
  name: 'user.revoke-role',
  targetType: 'user',
  input: roleGrantSchema,
  authorize: (input, user, note) => {
    noteGrant(input, note);
    authorize(user, 'users.manage', {});
  },
  run: async (input) => {
    const target = await requireUserRow(input.userId);
    const removed = await getDb().delete(roleGrants).where(sameGrant(input));
    if (changedRows(removed) === 0) throw new NotFoundError(`The ${input.role} grant of ${target.username}`);
    return { userId: target.id, username: target.username };
  },
  audited: (result, input) => ({ details: { role: input.role, username: result.username } }),
});
