import 'server-only';
import type { NextResponse } from 'next/server';
import type { StreamEndpoint } from './endpoint';
import { unauthenticated, userFromBearer } from './handlers';
import { apiErrorForStatus, apiResponse } from './respond';

/**
 * A streamed body (an image file): the token is checked first, and the receiver decides about the
 * image, the caller's rights, Content-Length, Content-Type and free space before it reads a byte.
 * An unknown token still reaches the receiver, with no user, so the refusal is audited as the
 * browser's upload audits it; the body stays unread.
 */
export async function apiStream(
  request: Request,
  endpoint: StreamEndpoint,
  params: Record<string, string>,
): Promise<NextResponse> {
  const user = await userFromBearer(request);
  const outcome = await endpoint.receive(user, params, request);
  if (!user) return unauthenticated();
  if (!outcome.ok) return apiErrorForStatus(outcome.status, outcome.error);
  return apiResponse(endpoint, outcome.data);
}
