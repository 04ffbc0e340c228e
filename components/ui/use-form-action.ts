'use client';

import { useActionState } from 'react';
import type { ActionResult } from '@/lib/actions/operation';

type FormAction<R> = (previous: unknown, formData: FormData) => Promise<ActionResult<R>>;

/**
 * useActionState for a form whose success has a consequence around it, such as closing its dialog:
 * `onSuccess` runs as part of the submit, when the server says ok, rather than in an effect that
 * watches the result.
 */
export function useFormAction<R>(action: FormAction<R>, onSuccess: (data: R) => void) {
  return useActionState(async (previous: ActionResult<R> | undefined, formData: FormData) => {
    const result = await action(previous, formData);
    if (result.ok) onSuccess(result.data);
    return result;
  }, undefined);
}
