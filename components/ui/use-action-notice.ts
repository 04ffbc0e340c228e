'use client';

import { isRedirectError } from 'next/dist/client/components/redirect-error';
import { useActionState } from 'react';
import type { ActionResult } from '@/lib/actions/operation';
import { flash, notify } from './notify';

type FormAction<R> = (previous: unknown, formData: FormData) => Promise<ActionResult<R>>;

/**
 * useActionState for a form whose success is announced in a toast: `notice` words it from what was
 * submitted and, when the action returns one, its result. An action that redirects (a create that
 * opens the new thing's page) has no result to give; its notice is flashed to the next page.
 * Refusals stay with the form (FormError and the fields), where the user corrects them.
 */
export function useActionNotice<R>(
  action: FormAction<R>,
  notice: (input: FormData, data?: R) => string,
  onSuccess?: (data: R) => void,
) {
  return useActionState(async (previous: ActionResult<R> | undefined, formData: FormData) => {
    let result: ActionResult<R>;
    try {
      result = await action(previous, formData);
    } catch (err) {
      if (isRedirectError(err)) flash(notice(formData));
      throw err;
    }
    if (result.ok) {
      notify(notice(formData, result.data));
      onSuccess?.(result.data);
    }
    return result;
  }, undefined);
}
