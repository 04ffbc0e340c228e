'use client';

import { isRedirectError } from 'next/dist/client/components/redirect-error';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/actions/operation';
import { flash, notify } from './notify';

type Action<I, R> = (prev: null, input: I) => Promise<ActionResult<R>>;

type Options = {
  /**
   * Where a refusal is said: `inline` keeps it in `error` for an <ActionError> near the button;
   * `toast` announces it in a toast instead, for buttons in a header or a row, where a message
   * appearing beside them would push them about.
   */
  errors?: 'inline' | 'toast';
};

/**
 * Calls a server action from a button: `pending` while it runs, and the server's refusal kept in
 * `error` until the next call (or toasted, see Options); `after` runs on either outcome (e.g. to
 * refetch what is shown). `run(action, input, 'Key deleted.')` also announces the success in a
 * toast (a function words it from the result), and a fixed text still does when the action
 * redirects to another page.
 */
export function useServerAction(after?: () => Promise<unknown> | void, { errors = 'inline' }: Options = {}) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = <I, R>(action: Action<I, R>, input: I, success?: string | ((data: R) => string)) =>
    startTransition(async () => {
      let result: ActionResult<R>;
      try {
        result = await action(null, input);
      } catch (err) {
        // A redirect is how a server action says "done, look there": the notice follows it.
        if (isRedirectError(err) && typeof success === 'string') flash(success);
        throw err;
      }
      if (result.ok && success) notify(typeof success === 'string' ? success : success(result.data));
      if (!result.ok && errors === 'toast') notify(result.error, 'error');
      setError(result.ok || errors === 'toast' ? null : result.error);
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
