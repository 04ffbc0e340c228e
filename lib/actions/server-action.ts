import 'server-only';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { getCurrentUser } from '@/lib/auth/session';
import { CLOUD_SECRET_FIELDS } from '@/lib/clouds/schemas';
import { runOperation, type ActionResult, type Operation } from './operation';

/** Fields never echoed back to the browser after a failed submit. */
const SECRET_FIELDS = new Set(['password', 'privateKey', 'passphrase', ...CLOUD_SECRET_FIELDS]);

type Options<R> = {
  /** Paths whose cached pages the result makes stale. */
  revalidate?: (result: R) => string[];
  /** Where to go after success; omit to stay on the page and return the result. */
  redirectTo?: (result: R) => string;
};

/**
 * The one wrapper every server action goes through: the signed-in user from the session,
 * then `runOperation` (parse, authorize, run, audit), then revalidation. Usable with useActionState
 * (prevState, FormData) or called directly with a plain object.
 */
export function serverAction<S extends z.ZodType, R>(op: Operation<S, R>, options: Options<NoInfer<R>> = {}) {
  return async function action(_prev: unknown, input: FormData | Record<string, unknown>): Promise<ActionResult<R>> {
    const raw = input instanceof FormData ? formDataToObject(input) : input;
    const result = await runOperation(op, raw, await getCurrentUser());
    if (!result.ok) return { ...result, values: echoableValues(raw) };
    for (const path of options.revalidate?.(result.data) ?? []) revalidatePath(path);
    if (options.redirectTo) redirect(options.redirectTo(result.data));
    return result;
  };
}

/** Repeated keys become arrays; React's own `$ACTION_…` fields are dropped. */
export function formDataToObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith('$ACTION')) continue;
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function echoableValues(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => typeof v === 'string' && !SECRET_FIELDS.has(k)) as [string, string][],
  );
}
