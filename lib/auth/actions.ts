'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn, signOut } from './auth';
import { throttleMessage } from './login-throttle';
import { loginSchema } from './schemas';

export type LoginState = { error?: string; username?: string } | undefined;

/**
 * The page to return to after login, reduced to a path on this site, so a crafted link cannot
 * bounce a fresh session to another host (the proxy passes an absolute URL).
 */
function safeCallback(value: FormDataEntryValue | null): string {
  if (typeof value !== 'string' || value === '') return '/';
  try {
    const url = new URL(value, 'http://portal.invalid');
    return `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`;
  } catch {
    return '/';
  }
}

export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse({ username: formData.get('username'), password: formData.get('password') });
  const username = String(formData.get('username') ?? '');
  if (!parsed.success) return { error: 'Enter your username and password.', username };
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeCallback(formData.get('callbackUrl')) });
  } catch (err) {
    // signIn redirects by throwing; only Auth.js's own errors mean the login failed.
    // LoginThrottledError (./login.ts) carries the time to wait until; matched by its code, as
    // Auth.js rethrows the provider's own error object.
    if (
      err instanceof CredentialsSignin &&
      err.code === 'throttled' &&
      'retryAt' in err &&
      err.retryAt instanceof Date
    ) {
      return { error: throttleMessage(err.retryAt), username };
    }
    if (err instanceof AuthError) return { error: 'Invalid username or password.', username };
    throw err;
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/login' });
}
