/* public: this is where a script trades a username and password for a token. */
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { BODY_TOO_LARGE, readJsonBody } from '@/lib/api/v1/body';
import { apiError, apiJson, unknownFieldsError } from '@/lib/api/v1/respond';
import { session } from '@/lib/api/v1/responses/tokens';
import { sessionCredentials } from '@/lib/api/v1/session';
import { issueApiToken } from '@/lib/tokens/operations';
import { clientAddress } from '@/lib/auth/client-address';
import { attemptLogin } from '@/lib/auth/login';
import { getConfig } from '@/lib/config';

/** POST {username, password} → {token}: the same throttled, audited sign-in as the login form. */
export async function POST(request: Request) {
  // Anyone may call this, so the body is read with the same cap as every other: never more than 1 MiB.
  const body = await readJsonBody(request);
  if (!body.ok && body.reason === 'too_large') return apiError('too_large', BODY_TOO_LARGE);
  const value = body.ok ? body.value : null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const unknown = Object.keys(value).filter((key) => !(key in sessionCredentials.shape));
    if (unknown.length > 0) return unknownFieldsError(unknown);
  }
  const parsed = sessionCredentials.safeParse(value);
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    const named = Object.keys(fields).length > 0 ? fields : undefined;
    return apiError('invalid', 'Send a JSON object with username and password.', named);
  }
  const outcome = await attemptLogin(parsed.data, clientAddress(request.headers, getConfig().login.trustProxy));
  if (!outcome.ok && outcome.reason === 'throttled') {
    const retryAfter = Math.max(1, Math.ceil((outcome.retryAt.getTime() - Date.now()) / 1000));
    return NextResponse.json(
      {
        error: {
          code: 'throttled',
          message: `Too many failed sign-ins; try again after ${outcome.retryAt.toISOString()}.`,
        },
      },
      { status: 429, headers: { 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' } },
    );
  }
  if (!outcome.ok) return apiError('unauthenticated', 'Wrong username or password.');
  const token = await issueApiToken(
    outcome.user.id,
    `session ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
  );
  return apiJson(session.parse({ token: token.token, tokenId: token.id }), 201);
}
