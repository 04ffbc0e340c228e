import 'server-only';
import type { NextResponse } from 'next/server';
import { runOperation } from '@/lib/actions/operation';
import { recordAudit } from '@/lib/audit/record';
import type { UserContext } from '@/lib/auth/policy';
import { DomainError } from '@/lib/errors';
import { getUserForApiToken } from '@/lib/tokens/queries';
import { BODY_TOO_LARGE, readJsonBody } from './body';
import type { ReadContext, ReadEndpoint, WriteEndpoint } from './endpoint';
import { requestBodyFields } from './json-schema';
import { apiError, apiResponse, unknownFieldsError } from './respond';

/**
 * The JSON API's ways in. Each authenticates the bearer token first; writes then run the same
 * operation the server actions run (parse, authorize, run, audit), so the API adds no logic of its
 * own beyond holding a body to the fields its endpoint documents.
 */

/** The token's user, or null when the header is missing or the token is unknown or revoked. */
export async function userFromBearer(request: Request): Promise<UserContext | null> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? await getUserForApiToken(match[1]!) : null;
}

export function unauthenticated(): NextResponse {
  return apiError('unauthenticated', 'Send a valid API token: Authorization: Bearer <token>.');
}

/** A read: 401 without a valid token, 404 when the loader (which applies the policy) finds nothing. */
export async function apiRead(request: Request, endpoint: ReadEndpoint, context: ReadContext): Promise<NextResponse> {
  const user = await userFromBearer(request);
  if (!user) return unauthenticated();
  let view: unknown;
  try {
    view = await endpoint.load(user, context);
  } catch (err) {
    // A query string the listing cannot use is the caller's mistake, said clearly.
    if (err instanceof DomainError) return apiError(err.code, err.message, err.fieldErrors);
    throw err;
  }
  if (view === null || view === undefined) return apiError('not_found', `${endpoint.what} was not found.`);
  return apiResponse(endpoint, view);
}

/** A write: runs the operation as the token's user; exactly one audit event, whatever happens. */
export async function apiMutate(
  request: Request,
  endpoint: WriteEndpoint,
  params: Record<string, string>,
): Promise<NextResponse> {
  const { op } = endpoint;
  const user = await userFromBearer(request);
  // Who is asking is settled before a byte of the body is read: runOperation audits the refusal.
  if (!user) {
    await runOperation(op, {}, null);
    return unauthenticated();
  }
  let body: Record<string, unknown> = {};
  if (endpoint.body !== 'none') {
    const read = await readJsonBody(request);
    const value = read.ok ? read.value : undefined;
    const refusal = !read.ok ? BODY_REFUSALS[read.reason] : !isObject(value) ? BODY_REFUSALS.not_object : null;
    if (refusal) {
      await auditRefusal(user, endpoint, { reason: refusal.reason });
      return apiError(refusal.code, refusal.message);
    }
    body = value as Record<string, unknown>;
    // A misspelt field would otherwise be dropped by the schema and silently change nothing.
    const allowed = requestBodyFields(endpoint);
    const unknown = Object.keys(body).filter((key) => !allowed.has(key));
    if (unknown.length > 0) {
      await auditRefusal(user, endpoint, { reason: 'unknown fields', fields: unknown });
      return unknownFieldsError(unknown);
    }
  }
  const input = { ...body, ...endpoint.fixed, ...params };
  const result = await runOperation(op, input, user);
  if (!result.ok && result.code === 'unauthenticated') return unauthenticated();
  if (!result.ok) return apiError(result.code, result.error, result.fieldErrors);
  return apiResponse(endpoint, result.data, endpoint.status);
}

async function auditRefusal(
  user: UserContext,
  endpoint: WriteEndpoint,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit({
    userId: user.id,
    action: endpoint.op.name,
    targetType: endpoint.op.targetType,
    outcome: 'error',
    details: { ...details, via: 'api' },
  });
}

const BODY_REFUSALS = {
  too_large: { code: 'too_large', reason: 'body too large', message: BODY_TOO_LARGE },
  not_json: { code: 'invalid', reason: 'body is not JSON', message: 'The request body is not valid JSON.' },
  not_object: { code: 'invalid', reason: 'body is not an object', message: 'The request body must be a JSON object.' },
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
