import NextAuth from 'next-auth';
import { baseAuthConfig } from '@/lib/auth/auth.config';

const { auth } = NextAuth(baseAuthConfig);

/**
 * Sends anonymous visitors to the login page before any page renders. This is a convenience, not
 * the security boundary: every page, action and route checks the session again on the server.
 */
export default auth;

/**
 * Route handlers under /api/ check the session themselves (401 JSON), and must not pass through
 * the proxy: Next buffers a proxied request body up to proxyClientMaxBodySize and cuts the rest,
 * which would truncate image uploads. The icon is public, for the login page too. /imgapi/ is the anonymous IMGAPI repository (public images
 * only): a redirect to the login page would break every IMGAPI client.
 */
export const config = {
  matcher: ['/((?!api/|imgapi/|_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)'],
};
