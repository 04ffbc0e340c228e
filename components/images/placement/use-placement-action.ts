'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { notify } from '@/components/ui/notify';
import type { ActionResult } from '@/lib/actions/operation';

/**
 * Runs one of the Placement section's server actions and says how it went in a toast, so no line
 * appears and shifts the section about; the page then shows the new state. Refusals keep the
 * server's own words.
 */
export function usePlacementAction() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const run = <T>(action: () => Promise<ActionResult<T>>, done: (data: T) => string) =>
    startTransition(async () => {
      const result = await action();
      if (!result.ok) return notify(result.error, 'error');
      notify(done(result.data));
      router.refresh();
    });
  return { pending, run };
}
