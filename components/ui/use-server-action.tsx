'use client';

import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/actions/operation';

type Action<I> = (prev: null, input: I) => Promise<ActionResult<unknown>>;

/**
 * Calls a server action from a button: `pending` while it runs, and the server's refusal kept in
 * `error` until the next call; `after` runs on either outcome (e.g. to refetch what is shown).
 */
export function useServerAction(after?: () => Promise<unknown> | void) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = <I,>(action: Action<I>, input: I) =>
    startTransition(async () => {
      const result = await action(null, input);
      setError(result.ok ? null : result.error);
      await after?.();
    });
  return { pending, error, run };
}

/** The refusal of the last call, announced to screen readers. */
export function ActionError({ error, className = 'w-full' }: { error: string | null; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={`${className} text-sm text-red-700`}>
      {error}
    </p>
  );
}
