import 'server-only';
import { NextResponse } from 'next/server';
import type { ErrorCode } from '@/lib/errors';
import type { Endpoint } from './endpoint';

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

/** The codes of refusals only a streamed upload meets, by the status the store's upload gives them. */
const STREAM_ERROR_CODES: Record<number, string> = {
  411: 'length_required',
  415: 'unsupported_media_type',
  507: 'insufficient_storage',
};

const NO_STORE = { 'Cache-Control': 'no-store' };

export function apiError(
  code: ErrorCode | 'internal',
  message: string,
  fields?: Record<string, string[] | undefined>,
): NextResponse {
  return errorResponse(HTTP_STATUS[code], code, message, fields);
}

/** A body with fields the endpoint does not have: named, so a typo never silently does nothing. */
export function unknownFieldsError(unknown: string[]): NextResponse {
  const fields = Object.fromEntries(unknown.map((key) => [key, ['Not a field of this request.']]));
  return apiError('invalid', `Unknown field(s): ${unknown.join(', ')}.`, fields);
}

/** A refusal known by its HTTP status, as the image store's upload reports one. */
export function apiErrorForStatus(status: number, message: string): NextResponse {
  const code = Object.entries(HTTP_STATUS).find(([, s]) => s === status)?.[0] ?? STREAM_ERROR_CODES[status];
  return errorResponse(code ? status : 500, code ?? 'internal', message);
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  fields?: Record<string, string[] | undefined>,
): NextResponse {
  const headers: Record<string, string> = { ...NO_STORE };
  // RFC 6750: tell the client how to authenticate.
  if (code === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer realm="cloud-broker-portal"';
  return NextResponse.json({ error: { code, message, ...(fields ? { fields } : {}) } }, { status, headers });
}

export function apiJson(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/**
 * A success, sent as the endpoint's response schema parses it: only what the document describes
 * goes out, in the form it describes (times as ISO text). A result the schema refuses is the
 * portal's own bug, logged with a reference rather than sent undocumented.
 */
export function apiResponse(endpoint: Endpoint, data: unknown, status = 200): NextResponse {
  const parsed = endpoint.response.safeParse(data);
  if (parsed.success) return apiJson(parsed.data, status);
  const ref = Math.random().toString(36).slice(2, 10);
  console.error(
    `[portal] ${endpoint.method} ${endpoint.path}: the result does not fit its response schema (ref ${ref}):`,
    parsed.error.issues,
  );
  const done = endpoint.method === 'GET' ? '' : ' The request was carried out;';
  return apiError('internal', `Unexpected error (ref ${ref}).${done} see the server log.`);
}
