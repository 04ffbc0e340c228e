import 'server-only';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { UserContext } from '@/lib/auth/policy';
import { getUserContext } from '@/lib/auth/users';
import { now } from '@/lib/clock';
import { firstRow, getDb } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/tables';
import { hashOf, TOKEN_PREFIX } from './secret';

/** The user a bearer token acts for: null for an unknown or revoked token, or a disabled user. */
export async function getUserForApiToken(token: string): Promise<UserContext | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await firstRow(
    getDb()
      .select({ id: apiTokens.id, userId: apiTokens.userId })
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, hashOf(token)), isNull(apiTokens.revokedAt))),
  );
  if (!row) return null;
  const user = await getUserContext(row.userId);
  if (user) await getDb().update(apiTokens).set({ lastUsedAt: now() }).where(eq(apiTokens.id, row.id));
  return user;
}

/** The caller's tokens, newest first, without anything secret. */
export async function listOwnApiTokens(user: UserContext) {
  return await getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, user.id))
    .orderBy(desc(apiTokens.createdAt));
}
