import Link from 'next/link';
import type { ComponentProps } from 'react';

/** An in-portal link styled as a link, in tables, details and logs alike. */
export function TextLink({ className = '', ...props }: ComponentProps<typeof Link>) {
  return <Link {...props} className={`text-sky-700 hover:underline ${className}`} />;
}
