import 'server-only';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { UserContext } from '@/lib/auth/policy';
import { getUserContext } from '@/lib/auth/users';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/tables';
import { hashOf, TOKEN_PREFIX } from './secret';

/** The user a bearer token acts for: null for an unknown or revoked token, or a disabled user. */
export function getUserForApiToken(token: string): UserContext | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
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
