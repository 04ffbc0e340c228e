import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { admitLoginAttempt, clearLoginFailures, type LoginLimits } from './login-throttle';
import { verifyLogin } from './users';

export type LoginOutcome =
  | { ok: true; user: { id: string; name: string } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAt: Date };

/**
 * One sign-in attempt: throttle, verify, audit. A disabled account fails like a wrong password,
 * so the answer does not reveal which accounts exist or are disabled.
 */
export async function attemptLogin(
  credentials: { username: string; password: string },
  address: string | null,
  limits?: LoginLimits,
): Promise<LoginOutcome> {
  const { username } = credentials;
  const audit = async (outcome: 'ok' | 'denied', userId: string | null, reason?: string) =>
    await recordAudit({
      userId,
      action: 'auth.login',
      targetType: 'user',
      targetId: userId,
      outcome,
      details: { username, address, reason },
    });

  const admission = await admitLoginAttempt(username, address, limits);
  if (admission.throttled) {
    await audit('denied', null, 'throttled');
    return { ok: false, reason: 'throttled', retryAt: admission.retryAt };
  }
  const user = await verifyLogin(username, credentials.password);
  if (!user) {
    await audit('denied', null, 'invalid credentials');
    return { ok: false, reason: 'invalid' };
  }
  await clearLoginFailures(username);
  await audit('ok', user.id);
  return { ok: true, user };
}
