import 'server-only';
import type { NextResponse } from 'next/server';
import type { z } from 'zod';
import { runOperation, type Operation } from '@/lib/actions/operation';
import { recordAudit } from '@/lib/audit/record';
import type { UserContext } from '@/lib/auth/policy';
import { DomainError } from '@/lib/errors';
import { BODY_TOO_LARGE, readJsonBody } from './body';
import { apiError, apiJson, apiResult } from './respond';
import { getUserForApiToken } from '@/lib/tokens/queries';

/**
 * The JSON API's two ways in. Both authenticate the bearer token first; writes then run the same
 * operation the server actions run (parse, authorize, run, audit), so the API adds no logic.
 */

/** The token's user, or null when the header is missing or the token is unknown or revoked. */
export function userFromBearer(request: Request): UserContext | null {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? getUserForApiToken(match[1]!) : null;
}

/** A read: 401 without a valid token, 404 when the loader (which applies the policy) finds nothing. */
export async function apiRead<T>(
  request: Request,
  load: (user: UserContext) => T | null | undefined,
  what: string,
): Promise<NextResponse> {
  const user = userFromBearer(request);
  if (!user) return apiError('unauthenticated', 'Send a valid API token: Authorization: Bearer <token>.');
  try {
    const view = load(user);
    if (view === null || view === undefined) return apiError('not_found', `${what} was not found.`);
    return apiJson(view);
  } catch (err) {
    // A query string the listing cannot use is the caller's mistake, said clearly.
    if (err instanceof DomainError) return apiError(err.code, err.message, err.fieldErrors);
    throw err;
  }
}

type MutateOptions = {
  /** Values from the path, which win over the body's. */
  params?: Record<string, string>;
  /** 201 for a create. */
  status?: number;
  /** Requests such as DELETE carry no body. */
  body?: 'json' | 'none';
  /** Fixed fields the route implies, e.g. `{ attached: false }` for DELETE of an attachment. */
  fixed?: Record<string, unknown>;
};

/** A write: runs the operation as the token's user; exactly one audit event, whatever happens. */
export async function apiMutate<S extends z.ZodType, R>(
  request: Request,
  op: Operation<S, R>,
  options: MutateOptions = {},
): Promise<NextResponse> {
  const user = userFromBearer(request);
  // Who is asking is settled before a byte of the body is read: runOperation audits the refusal.
  if (!user) {
    await runOperation(op, {}, null);
    return unauthenticated();
  }
  let body: unknown = {};
  if (options.body !== 'none') {
    const read = await readJsonBody(request);
    const refusal = !read.ok ? BODY_REFUSALS[read.reason] : !isObject(read.value) ? BODY_REFUSALS.not_object : null;
    if (refusal) {
      recordAudit({
        userId: user.id,
        action: op.name,
        targetType: op.targetType,
        outcome: 'error',
        details: { reason: refusal.reason, via: 'api' },
      });
      return apiError(refusal.code, refusal.message);
    }
    body = read.ok ? read.value : {};
  }
  const input = { ...(body as Record<string, unknown>), ...options.fixed, ...options.params };
  const result = await runOperation(op, input, user);
  if (!result.ok && result.code === 'unauthenticated') return unauthenticated();
  return apiResult(result, options.status);
}

const BODY_REFUSALS = {
  too_large: { code: 'too_large', reason: 'body too large', message: BODY_TOO_LARGE },
  not_json: { code: 'invalid', reason: 'body is not JSON', message: 'The request body is not valid JSON.' },
  not_object: { code: 'invalid', reason: 'body is not an object', message: 'The request body must be a JSON object.' },
} as const;

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unauthenticated(): NextResponse {
  return apiError('unauthenticated', 'Send a valid API token: Authorization: Bearer <token>.');
}

/** Route params arrive as a promise in Next.js 16. */
export type RouteParams<K extends string> = { params: Promise<Record<K, string>> };
