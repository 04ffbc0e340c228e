import 'server-only';
import { NextResponse } from 'next/server';
import type { ActionResult } from '@/lib/actions/operation';
import type { ErrorCode } from '@/lib/errors';

/**
 * The JSON API's answers: `{error: {code, message, fields?}}` with the status each error
 * code means. 428 for "in use" is Danube Cloud's: the request is fine, a precondition is not.
 */
export const HTTP_STATUS: Record<ErrorCode | 'internal', number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  in_use: 428,
  too_large: 413,
  unavailable: 503,
  internal: 500,
};

const NO_STORE = { 'Cache-Control': 'no-store' };

export function apiError(
  code: ErrorCode | 'internal',
  message: string,
  fields?: Record<string, string[] | undefined>,
): NextResponse {
  const headers: Record<string, string> = { ...NO_STORE };
  // RFC 6750: tell the client how to authenticate.
  if (code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer realm="cloud-broker-portal"';
  return NextResponse.json(
    { error: { code, message, ...(fields ? { fields } : {}) } },
    { status: HTTP_STATUS[code], headers },
  );
}

export function apiJson(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/** An operation's outcome as an HTTP answer. */
export function apiResult<R>(result: ActionResult<R>, successStatus = 200): NextResponse {
  if (result.ok) return apiJson(result.data, successStatus);
  return apiError(result.code, result.error, result.fieldErrors);
}
