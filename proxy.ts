import NextAuth from 'next-auth';
import { baseAuthConfig } from '@/lib/auth/auth.config';

const { auth } = NextAuth(baseAuthConfig);

/**
 * Sends anonymous visitors to the login page before any page renders. This is a convenience, not
 * the security boundary: every page, action and route checks the session again on the server.
 */
export default auth;

export const config = {
  matcher: ['/((?!api/auth|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
