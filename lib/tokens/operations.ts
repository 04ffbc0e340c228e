import 'server-only';
import { hashOf, newTokenSecret } from './secret';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import { newId, now } from '@/lib/clock';
import { getDb, changedRows } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import { id } from '@/lib/validation';

/**
 * Personal API tokens: shown once when created, stored only as a hash (./secret.ts), revocable,
 * always the caller's own. A token acts as its user, with the user's roles as they are at each request.
 */

/** Makes a token for a user; the plain token is returned here and never stored. */
export async function issueApiToken(
  userId: string,
  name: string,
): Promise<{ id: string; name: string; token: string }> {
  const token = newTokenSecret();
  const tokenId = newId();
  await getDb()
    .insert(apiTokens)
    .values({ id: tokenId, userId, name, tokenHash: hashOf(token), createdAt: now() });
  return { id: tokenId, name, token };
}

const tokenName = z
  .string()
  .trim()
  .min(1, 'Name the token, e.g. after the script that uses it.')
  .max(64, 'At most 64 characters.');

/** Any signed-in user may make tokens for themselves; a token never has more rights than its user. */
export const createApiToken = defineOperation({
  name: 'token.create',
  targetType: 'api_token',
  input: z.object({ name: tokenName }),
  authorize: () => {},
  run: async (input, user) => await issueApiToken(user.id, input.name),
  audited: (result) => ({ targetId: result.id, details: { name: result.name } }),
});

export const revokeApiToken = defineOperation({
  name: 'token.revoke',
  targetType: 'api_token',
  input: z.object({ tokenId: id }),
  authorize: (input, _user, note) => note({ targetId: input.tokenId }),
  run: async ({ tokenId }, user) => {
    // Another user's token is "not found": its existence is none of the caller's business.
    const changed = changedRows(
      await getDb()
        .update(apiTokens)
        .set({ revokedAt: now() })
        .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt))),
    );
    if (changed === 0) throw new NotFoundError('The token');
    return { tokenId, revoked: true };
  },
});
