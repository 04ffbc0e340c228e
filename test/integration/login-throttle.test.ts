import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '@/lib/auth/client-address';
import { attemptLogin } from '@/lib/auth/login';
import { throttleMessage, type LoginLimits } from '@/lib/auth/login-throttle';
import { insertUser } from '@/lib/auth/users';
import { setClockForTests } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { closeAllDatabases } from '@/lib/db/client';
import { lastAudit } from '../support/audit';

const limits: LoginLimits = { maxFailures: 3, maxFailuresPerAddress: 5, windowMs: 15 * 60_000, trustProxy: false };
let clock = Date.parse('2026-11-24T09:00:00Z');
const tick = (ms: number) => (clock += ms);
let restoreClock: () => void;

const PASSWORD = 'the right passphrase';
const userIds: Record<string, string> = {};
/** What a successful sign-in answers: the user, by id and name. */
const signedIn = (username: string) => ({ ok: true, user: { id: userIds[username], name: username } });
const login = async (username: string, address: string | null, password = 'a wrong guess') =>
  await attemptLogin({ username, password }, address, limits);

beforeAll(async () => {
  restoreClock = setClockForTests({ now: () => new Date(clock) });
  for (const username of ['ursula', 'victor', 'wendy', 'xavier', 'yara'])
    userIds[username] = await insertUser({ username, password: PASSWORD });
});
afterAll(() => restoreClock());

describe('login throttling', () => {
  it('throttles a username after too many failures, from any address, even with the right password', async () => {
    const first = clock;
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      expect(await login('ursula', address)).toEqual({ ok: false, reason: 'invalid' });
      tick(1000);
    }
    const throttled = await login('ursula', '10.0.0.4', PASSWORD);
    expect(throttled).toEqual({ ok: false, reason: 'throttled', retryAt: new Date(first + limits.windowMs) });
    expect(throttleMessage(new Date(first + limits.windowMs))).toBe(
      'Too many failed sign-ins for this account or from your address. Try again after 2026-11-24 09:15:00 UTC.',
    );
    const audit = await lastAudit('auth.login');
    expect(audit).toMatchObject({
      outcome: 'denied',
      details: { username: 'ursula', address: '10.0.0.4', reason: 'throttled' },
    });

    // Throttled attempts do not count: once the oldest failure leaves the window, one try is allowed.
    clock = first + limits.windowMs;
    expect(await login('ursula', '10.0.0.4', PASSWORD)).toEqual(signedIn('ursula'));
  });

  it('resets the username on a successful sign-in', async () => {
    await login('victor', '10.1.0.1');
    await login('victor', '10.1.0.1');
    expect(await login('victor', '10.1.0.1', PASSWORD)).toEqual(signedIn('victor'));
    // Two failures were forgiven: three more are needed before the next throttle.
    for (let i = 0; i < 3; i++)
      expect(await login('victor', `10.1.0.${i + 2}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await login('victor', '10.1.0.9', PASSWORD)).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('throttles an address after too many failures across usernames; other addresses go on', async () => {
    for (const username of ['nobody-1', 'nobody-2', 'nobody-3', 'wendy', 'xavier']) {
      expect(await login(username, '192.0.2.7')).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await login('yara', '192.0.2.7', PASSWORD)).toMatchObject({ ok: false, reason: 'throttled' });
    expect(await login('yara', '192.0.2.8', PASSWORD)).toEqual(signedIn('yara'));
  });

  it('lets no more than the limit through when guesses arrive all at once', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => login('wendy', `198.51.100.${i}`)));
    expect(outcomes.filter((o) => !o.ok && o.reason === 'invalid')).toHaveLength(limits.maxFailures - 1); // one from the test above
    expect(outcomes.filter((o) => !o.ok && o.reason === 'throttled')).toHaveLength(8 - (limits.maxFailures - 1));
  });

  it('keeps counting across a restart: the failures are in SQLite', async () => {
    await closeAllDatabases();
    expect(await login('wendy', '203.0.113.1', PASSWORD)).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('defaults to 5 failures per username and 20 per address in 15 minutes, trusting no proxy', () => {
    expect(getConfig().login).toEqual({
      maxFailures: 5,
      maxFailuresPerAddress: 20,
      windowMs: 15 * 60_000,
      trustProxy: false,
    });
  });
});

describe('client address', () => {
  const headers = (xff?: string) => new Headers(xff ? { 'x-forwarded-for': xff } : {});

  it('takes the address Next.js recorded for the connection when no proxy is trusted', () => {
    expect(clientAddress(headers('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
    expect(clientAddress(headers('2001:DB8::1'), false)).toBe('2001:db8::1');
    expect(clientAddress(headers(), false)).toBeNull();
  });

  it("takes the trusted proxy's entry, the last one, ignoring what the client put before it", () => {
    expect(clientAddress(headers('6.6.6.6, 203.0.113.9'), true)).toBe('203.0.113.9');
    expect(clientAddress(headers(' 203.0.113.9 '), true)).toBe('203.0.113.9');
  });
});
