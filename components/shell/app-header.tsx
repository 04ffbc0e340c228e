import Link from 'next/link';
import { signOutAction } from '@/lib/auth/actions';
import type { UserContext } from '@/lib/auth/policy';
import { NavLinks } from './nav-links';

export function AppHeader({ user }: { user: UserContext }) {
  return (
    <header className="bg-slate-900 text-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <div className="flex items-center gap-6">
          <Link href="/" className="text-base font-semibold tracking-tight">
            Cloud Broker Portal
          </Link>
          <nav aria-label="Main">
            <NavLinks />
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span>
            Signed in as <strong data-testid="signed-in-user">{user.username}</strong>
            {user.isSuperAdmin && <span className="ml-2 rounded bg-slate-700 px-1.5 py-0.5 text-xs">SuperAdmin</span>}
          </span>
          <form action={signOutAction}>
            <button type="submit" className="rounded-md border border-slate-600 px-3 py-1.5 hover:bg-slate-800">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
