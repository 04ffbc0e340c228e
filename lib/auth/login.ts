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
  const audit = (outcome: 'ok' | 'denied', userId: string | null, reason?: string) =>
    recordAudit({
      userId,
      action: 'auth.login',
      targetType: 'user',
      targetId: userId,
      outcome,
      details: { username, address, reason },
    });

  const admission = admitLoginAttempt(username, address, limits);
  if (admission.throttled) {
    audit('denied', null, 'throttled');
    return { ok: false, reason: 'throttled', retryAt: admission.retryAt };
  }
  const user = await verifyLogin(username, credentials.password);
  if (!user) {
    audit('denied', null, 'invalid credentials');
    return { ok: false, reason: 'invalid' };
  }
  clearLoginFailures(username);
  audit('ok', user.id);
  return { ok: true, user };
}
