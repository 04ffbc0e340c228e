import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { recordAudit } from '@/lib/audit/record';
import { baseAuthConfig } from './auth.config';
import { loginSchema } from './schemas';
import { verifyLogin } from './users';

/** Auth.js v5 with JWT sessions; the token carries only the user id (roles are read per request). */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...baseAuthConfig(),
  providers: [
    Credentials({
      credentials: { username: { label: 'Username' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw) {
        const parsed = loginSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const user = await verifyLogin(parsed.data.username, parsed.data.password);
        recordAudit({
          userId: user?.id ?? null,
          action: 'auth.login',
          targetType: 'user',
          targetId: user?.id ?? null,
          outcome: user ? 'ok' : 'denied',
          details: { username: parsed.data.username },
        });
        if (!user) throw new CredentialsSignin();
        return user;
      },
    }),
  ],
}));
