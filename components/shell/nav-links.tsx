'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export type NavLink = { href: string; label: string };

/** The main navigation; the server decides which links a user gets (components/shell/app-header.tsx). */
export function NavLinks({ links }: { links: NavLink[] }) {
  // Typed nullable since pages/ exists (the IMGAPI file route); App Router pages always have one.
  const pathname = usePathname() ?? '';
  return (
    <ul className="flex flex-wrap gap-1">
      {links.map((link) => {
        const current = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={current ? 'page' : undefined}
              className={`block rounded-md px-3 py-2 text-sm font-medium ${
                current ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'
              }`}
            >
              {link.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
