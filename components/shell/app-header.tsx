import Link from 'next/link';
import { signOutAction } from '@/lib/auth/actions';
import { can, repositoryBrowseSubject, type UserContext } from '@/lib/auth/policy';
import { readableAuditDataCenters } from '@/lib/audit/queries';
import { JobIndicator } from './job-indicator';
import { NavLinks, type NavLink } from './nav-links';

/** Links to pages the user may open; the pages ask the policy again. */
function navLinksFor(user: UserContext): NavLink[] {
  const links: NavLink[] = [
    { href: '/', label: 'Overview' },
    { href: '/locations', label: 'Data centers' },
    { href: '/images', label: 'Images' },
    { href: '/jobs', label: 'Jobs' },
    { href: '/api-reference', label: 'API' },
  ];
  if (can(user, 'repository.browse', repositoryBrowseSubject(user)))
    links.push({ href: '/repositories', label: 'Repositories' });
  if (can(user, 'infrastructure.manage', {})) links.push({ href: '/credentials', label: 'Credentials' });
  if (can(user, 'cloud.manage', {})) links.push({ href: '/clouds', label: 'Clouds' });
  if (can(user, 'users.manage', {})) links.push({ href: '/access', label: 'Access' });
  if (readableAuditDataCenters(user)?.length !== 0) links.push({ href: '/audit', label: 'Audit' });
  return links;
}

export function AppHeader({ user }: { user: UserContext }) {
  return (
    <header className="bg-slate-900 text-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <div className="flex items-center gap-6">
          <Link href="/" className="text-base font-semibold tracking-tight">
            Cloud Broker Portal
          </Link>
          <nav aria-label="Main">
            <NavLinks links={navLinksFor(user)} />
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <JobIndicator />
          <span>
            Signed in as{' '}
            <Link
              href="/profile"
              className="font-semibold underline-offset-2 hover:underline"
              data-testid="signed-in-user"
            >
              {user.username}
            </Link>
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
