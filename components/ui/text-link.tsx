import Link from 'next/link';
import type { ComponentProps } from 'react';

/**
 * An in-portal link styled as a link, in tables, details and logs alike. Always underlined: inside
 * a sentence, colour alone does not tell a link from its text for everyone.
 */
export function TextLink({ className = '', ...props }: ComponentProps<typeof Link>) {
  return (
    <Link
      {...props}
      className={`text-sky-700 underline decoration-sky-700/40 underline-offset-2 hover:decoration-sky-700 ${className}`}
    />
  );
}
