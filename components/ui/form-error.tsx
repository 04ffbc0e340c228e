'use client';

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ActionResult } from '@/lib/actions/operation';

export const CORRECT_FIELDS = 'Please correct the highlighted fields.';

/**
 * The form-level error of a failed action, announced to screen readers. When the server named the
 * fields at fault, their messages are shown under those fields (FieldFrame), so here only a summary
 * points at them: a message never appears twice. A message that no field shows (a field the form
 * does not have, or one that does not take errors) is kept here instead, so nothing is lost:
 * `fields` names the fields that show their errors; without it, the form is read once rendered.
 */
export function FormError({ state, fields }: { state: ActionResult | undefined; fields?: readonly string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const [found, setFound] = useState<{ state: ActionResult; shown: string[] } | null>(null);
  const failed = state && !state.ok ? state : undefined;

  useLayoutEffect(() => {
    if (fields || !failed?.fieldErrors || !ref.current) return;
    // Before the paint: the summary alone is up, so any message found in the form is under its field.
    // innerText, not textContent: a message in a hidden element is not shown to anyone.
    const text = (ref.current.closest('form') ?? ref.current.parentElement)?.innerText ?? '';
    const shown = Object.entries(failed.fieldErrors)
      .filter(([, messages]) => messages?.every((m) => text.includes(m)))
      .map(([field]) => field);
    setFound({ state: failed, shown });
  }, [failed, fields]);

  // Each failed submit moves focus here, so keyboard and screen-reader users start from what went wrong.
  useEffect(() => {
    if (failed) ref.current?.focus();
  }, [failed]);

  if (!failed) return null;
  const shown = fields ?? (found?.state === failed ? found.shown : null);
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 focus:outline-2 focus:outline-offset-2 focus:outline-red-600"
    >
      {summary(failed, shown)}
    </div>
  );
}

/** `shown`: the fields whose messages the form shows itself; null while not known (all, until read). */
function summary(failed: Extract<ActionResult, { ok: false }>, shown: readonly string[] | null): string {
  const atFault = Object.entries(failed.fieldErrors ?? {}).filter(([, messages]) => messages?.length);
  if (atFault.length === 0) return failed.error;
  const unseen = atFault
    .filter(([field]) => shown && !shown.includes(field))
    .map(([field, messages]) => `${field}: ${messages!.join(' ')}`);
  if (unseen.length < atFault.length) return [CORRECT_FIELDS, ...unseen].join(' ');
  // Nothing highlighted: the server's own message says it best, unless it is the bare summary.
  return failed.error === CORRECT_FIELDS ? unseen.join(' ') : failed.error;
}
