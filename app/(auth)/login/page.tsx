import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { getCurrentUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  // Auth.js sends a failed form-less sign-in (a script's POST) back here with ?error=.
  const { callbackUrl, error } = await searchParams;
  if (await getCurrentUser()) redirect('/');
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Cloud Broker Portal</h1>
        <p className="mb-6 text-sm text-slate-600">Sign in to manage images, data centers and nodes.</p>
        <LoginForm callbackUrl={callbackUrl} initialError={error ? 'Invalid username or password.' : undefined} />
      </div>
    </main>
  );
}
