import 'server-only';
import { NextResponse } from 'next/server';
import type { UserContext } from '@/lib/auth/policy';
import { getCurrentUser } from '@/lib/auth/session';

/**
 * A read-only JSON route that pages poll: 401 without a session, 404 when the loader (which
 * applies the policy) finds nothing the user may see, else the view, never cached.
 */
export async function respondWithView<T>(
  load: (user: UserContext) => T | null | Promise<T | null>,
  what: string,
): Promise<NextResponse> {
  const user = await getCurrentUser();
  if (!user)
    return NextResponse.json({ error: { code: 'unauthenticated', message: 'Sign in first.' } }, { status: 401 });
  const view = await load(user);
  if (!view) return NextResponse.json({ error: { code: 'not_found', message: `No such ${what}.` } }, { status: 404 });
  return NextResponse.json(view, { headers: { 'Cache-Control': 'no-store' } });
}
