import 'server-only';
import { z } from 'zod';
import type { UserContext } from '@/lib/auth/policy';
import { recordAudit, type AuditTarget } from '@/lib/audit/record';
import { DomainError, ForbiddenError, InUseError, type ErrorCode } from '@/lib/errors';
import { findControlCharacter } from '@/lib/validation';

/** What an operation tells the audit log about its target, beyond its type. */
type AuditFacts = Partial<Omit<AuditTarget, 'targetType'>>;

/** What every server action and API call returns; shaped for React's useActionState. */
export type ActionResult<T = unknown> =
  | { ok: true; data: T }
  | {
      ok: false;
      code: ErrorCode | 'internal';
      error: string;
      fieldErrors?: Record<string, string[] | undefined>;
      /** The submitted text fields, so a form can show them again after an error. */
      values?: Record<string, string>;
    };

/**
 * A mutating domain operation: its input schema, its authorization and its effect. The server-action
 * wrapper and the JSON API both execute operations through `runOperation`, so they share validation,
 * policy and audit and add no logic of their own.
 */
export type Operation<S extends z.ZodType, R> = {
  /** The audit action name, e.g. `image.create`. */
  name: string;
  targetType: string;
  input: S;
  /**
   * Loads the subject and asks the policy, throwing ForbiddenError or NotFoundError. Before asking,
   * it `note`s what the audit event should say about the target, so a refusal is recorded with it.
   */
  authorize: (input: z.output<S>, user: UserContext, note: (facts: AuditFacts) => void) => void | Promise<void>;
  run: (input: z.output<S>, user: UserContext) => R | Promise<R>;
  /** Completes the audit event once the result is known, e.g. with the new row's id. */
  audited?: (result: R, input: z.output<S>) => AuditFacts;
};

export function defineOperation<S extends z.ZodType, R>(op: Operation<S, R>): Operation<S, R> {
  return op;
}

/** Parse, authorize, run, audit: exactly one audit event per call, whatever the outcome. */
export async function runOperation<S extends z.ZodType, R>(
  op: Operation<S, R>,
  rawInput: unknown,
  user: UserContext | null,
): Promise<ActionResult<R>> {
  let target: AuditTarget = { targetType: op.targetType };
  const audit = async (outcome: 'ok' | 'denied' | 'error', details?: Record<string, unknown>) =>
    await recordAudit({
      ...target,
      details: { ...target.details, ...details },
      userId: user?.id ?? null,
      action: op.name,
      outcome,
    });

  if (!user) {
    await audit('denied', { reason: 'not signed in' });
    return { ok: false, code: 'unauthenticated', error: 'You must sign in first.' };
  }
  // Whatever the field, text carrying control characters is refused before anything reads it.
  const control = findControlCharacter(rawInput);
  if (control) {
    const message = `Contains a control character (${control.codePoint}); remove it and try again.`;
    await audit('error', { reason: 'control character', fields: [control.field] });
    return {
      ok: false,
      code: 'invalid',
      error: `${control.field}: ${message}`,
      fieldErrors: { [control.field]: [message] },
    };
  }
  const parsed = op.input.safeParse(rawInput);
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
    await audit('error', { reason: 'invalid input', fields: Object.keys(fieldErrors) });
    return { ok: false, code: 'invalid', error: 'Please correct the highlighted fields.', fieldErrors };
  }
  try {
    await op.authorize(parsed.data, user, (facts) => (target = { ...target, ...facts }));
    const result = await op.run(parsed.data, user);
    target = { ...target, ...op.audited?.(result, parsed.data) };
    await audit('ok');
    return { ok: true, data: result };
  } catch (err) {
    if (err instanceof DomainError) {
      // A refusal (not allowed, or still in use) is `denied`; anything else is an error.
      await audit(err instanceof ForbiddenError || err instanceof InUseError ? 'denied' : 'error', {
        error: err.message,
      });
      return { ok: false, code: err.code, error: err.message, fieldErrors: err.fieldErrors };
    }
    const ref = Math.random().toString(36).slice(2, 10);
    console.error(`[portal] ${op.name} failed (ref ${ref}):`, err);
    await audit('error', { error: 'internal error', ref });
    return {
      ok: false,
      code: 'internal',
      error: `Unexpected error (ref ${ref}). Nothing was changed; see the server log.`,
    };
  }
}
