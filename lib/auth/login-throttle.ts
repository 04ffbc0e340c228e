import 'server-only';
import { and, desc, eq, gt, lt } from 'drizzle-orm';
import { getConfig, type PortalConfig } from '@/lib/config';
import { firstRow, getDb } from '@/lib/db/client';
import { lockForTransaction } from '@/lib/db/dialect';
import { loginFailures } from '@/lib/db/tables';
import { now } from '@/lib/clock';
import { formatDateTime } from '@/lib/format';

export type LoginLimits = PortalConfig['login'];

export type AttemptAdmission = { throttled: false; attemptId: number } | { throttled: true; retryAt: Date };

/**
 * Admits a sign-in attempt or throttles it: too many failures for the username, or from the
 * address, within the window. An admitted attempt is counted as a failure right away, in the
 * same write transaction as the check, so parallel guesses cannot all slip past the limit while
 * their passwords are being hashed; a correct password then clears the username's failures
 * (`clearLoginFailures`). A throttled attempt is not counted: waiting out the window is enough.
 */
export async function admitLoginAttempt(
  username: string,
  address: string | null,
  limits: LoginLimits = getConfig().login,
): Promise<AttemptAdmission> {
  const at = now();
  const since = new Date(at.getTime() - limits.windowMs);
  return getDb().transaction(
    async (tx) => {
      // Guesses that arrive together are counted one after the other, or each would see room for one more.
      await lockForTransaction(tx, 'login-attempts');
      await tx.delete(loginFailures).where(lt(loginFailures.at, since));
      // The n-th most recent failure: once it leaves the window (at retryAt), fewer than n remain.
      const nthRecent = async (where: ReturnType<typeof eq>, n: number) =>
        (
          await firstRow(
            tx
              .select({ at: loginFailures.at })
              .from(loginFailures)
              .where(and(where, gt(loginFailures.at, since)))
              .orderBy(desc(loginFailures.at), desc(loginFailures.id))
              .limit(1)
              .offset(n - 1),
          )
        )?.at;
      const blockers = [
        await nthRecent(eq(loginFailures.username, username), limits.maxFailures),
        address ? await nthRecent(eq(loginFailures.address, address), limits.maxFailuresPerAddress) : undefined,
      ].filter((d): d is Date => d !== undefined);
      if (blockers.length > 0) {
        const latest = Math.max(...blockers.map((d) => d.getTime()));
        return { throttled: true as const, retryAt: new Date(latest + limits.windowMs) };
      }
      const [row] = await tx
        .insert(loginFailures)
        .values({ at, username, address })
        .returning({ id: loginFailures.id });
      return { throttled: false as const, attemptId: row!.id };
    },
    { behavior: 'immediate' },
  );
}

/** A successful sign-in: the username starts afresh (its failures also stop counting for the address). */
export async function clearLoginFailures(username: string): Promise<void> {
  await getDb().delete(loginFailures).where(eq(loginFailures.username, username));
}

/** What the login form says to a throttled attempt: why, and until when. */
export function throttleMessage(retryAt: Date): string {
  return `Too many failed sign-ins for this account or from your address. Try again after ${formatDateTime(retryAt)}.`;
}
