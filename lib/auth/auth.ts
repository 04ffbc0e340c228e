import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getConfig } from '@/lib/config';
import { baseAuthConfig } from './auth.config';
import { clientAddress } from './client-address';
import { attemptLogin } from './login';
import { loginSchema } from './schemas';

/**
 * A throttled sign-in. Auth.js hands the provider's own error object on to the login action
 * (lib/auth/actions.ts), which reads `retryAt` to say until when; scripts get `code=throttled`.
 */
class LoginThrottledError extends CredentialsSignin {
  code = 'throttled';
  constructor(readonly retryAt: Date) {
    super();
  }
}

/** Auth.js v5 with JWT sessions; the token carries only the user id (roles are read per request). */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...baseAuthConfig(),
  providers: [
    Credentials({
      credentials: { username: { label: 'Username' }, password: { label: 'Password', type: 'password' } },
      // `request` carries the original request's headers, for the login form and scripts alike.
      async authorize(raw, request) {
        const parsed = loginSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const outcome = await attemptLogin(parsed.data, clientAddress(request.headers, getConfig().login.trustProxy));
        if (outcome.ok) return outcome.user;
        throw outcome.reason === 'throttled' ? new LoginThrottledError(outcome.retryAt) : new CredentialsSignin();
      },
    }),
  ],
}));
