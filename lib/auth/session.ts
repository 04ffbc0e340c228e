import 'server-only';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import { auth } from './auth';
import { getUserContext } from './users';
import type { UserContext } from './policy';

/**
 * The signed-in user with their grants, loaded from the database once per request. A disabled or
 * deleted account yields null even while its session cookie is still valid.
 */
export const getCurrentUser = cache(async (): Promise<UserContext | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  return userId ? await getUserContext(userId, { signedInAt: (session as { signedInAt?: number }).signedInAt }) : null;
});

/** For pages: the signed-in user, or a redirect to the login page. */
export async function requireUser(): Promise<UserContext> {
  const user = await getCurrentUser();
  if (!user) redirect('/login');
  return user;
}
