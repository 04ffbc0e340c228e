import type { NextAuthConfig } from 'next-auth';
import { getConfig } from '@/lib/config';

/**
 * The part of the Auth.js configuration that the proxy needs: how sessions are signed and where
 * anonymous users go. It touches no database; lib/auth/auth.ts adds the Credentials provider.
 */
export function baseAuthConfig(): NextAuthConfig {
  return {
    secret: getConfig().authSecret,
    // The portal runs behind whatever host name operators give it; Auth.js must accept it.
    trustHost: true,
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/login' },
    logger: {
      // A wrong password or a throttled attempt is an expected event (audited as a denied login),
      // not a server error. Matched by `type`, a string: a production build minifies class names,
      // so `name` is no longer 'CredentialsSignin' there.
      error(error) {
        if ((error as { type?: string }).type !== 'CredentialsSignin') console.error('[auth]', error);
      },
    },
    providers: [],
    callbacks: {
      authorized({ auth, request }) {
        const path = request.nextUrl.pathname;
        // The login page decides itself whether a session is still good: a disabled user's token
        // still verifies here, and sending them away from /login would loop. Route handlers answer
        // anonymous callers with 401 JSON themselves.
        if (path === '/login' || path.startsWith('/api/')) return true;
        return Boolean(auth?.user);
      },
      jwt({ token, user }) {
        // At sign-in only: `iat` is renewed whenever the token is, so it cannot say when that was.
        if (user?.id) Object.assign(token, { sub: user.id, signedInAt: Date.now() });
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        // lib/auth/session.ts compares it with the user's last password reset.
        return Object.assign(session, {
          signedInAt: typeof token.signedInAt === 'number' ? token.signedInAt : undefined,
        });
      },
    },
  };
}
