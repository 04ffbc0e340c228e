import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { defineOperation } from '@/lib/actions/operation';
import type { UserContext } from '@/lib/auth/policy';
import { getUserContext } from '@/lib/auth/users';
import { newId, now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/schema';
import { NotFoundError } from '@/lib/errors';
import { id } from '@/lib/validation';

/**
 * Personal API tokens (issue #6): shown once when created, stored only as a SHA-256 hash (a token is
 * 256 random bits, so a fast hash is enough: nothing to brute-force), revocable, always the caller's
 * own. A token acts as its user, with the user's roles as they are at each request.
 */

const PREFIX = 'cbp_';
const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Makes a token for a user; the plain token is returned here and never stored. */
export function issueApiToken(userId: string, name: string): { id: string; name: string; token: string } {
  const token = PREFIX + crypto.randomBytes(32).toString('base64url');
  const tokenId = newId();
  getDb()
    .insert(apiTokens)
    .values({ id: tokenId, userId, name, tokenHash: hashOf(token), createdAt: now() })
    .run();
  return { id: tokenId, name, token };
}

/** The user a bearer token acts for: null for an unknown or revoked token, or a disabled user. */
export function userForApiToken(token: string): UserContext | null {
  if (!token.startsWith(PREFIX)) return null;
  const row = getDb()
    .select({ id: apiTokens.id, userId: apiTokens.userId })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashOf(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row) return null;
  const user = getUserContext(row.userId);
  if (user) getDb().update(apiTokens).set({ lastUsedAt: now() }).where(eq(apiTokens.id, row.id)).run();
  return user;
}

/** The caller's tokens, newest first, without anything secret. */
export function listOwnApiTokens(user: UserContext) {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, user.id))
    .orderBy(desc(apiTokens.createdAt))
    .all();
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
  run: (input, user) => issueApiToken(user.id, input.name),
  audited: (result) => ({ targetId: result.id, details: { name: result.name } }),
});

export const revokeApiToken = defineOperation({
  name: 'token.revoke',
  targetType: 'api_token',
  input: z.object({ tokenId: id }),
  authorize: (input, _user, note) => note({ targetId: input.tokenId }),
  run: ({ tokenId }, user) => {
    // Another user's token is "not found": its existence is none of the caller's business.
    const changed = getDb()
      .update(apiTokens)
      .set({ revokedAt: now() })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)))
      .run().changes;
    if (changed === 0) throw new NotFoundError('The token');
    return { tokenId, revoked: true };
  },
});
