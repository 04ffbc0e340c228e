import { NextResponse } from 'next/server';
import { getCurrentUser } from '@/lib/auth/session';
import { uploadImageFile } from '@/lib/store/upload';

/**
 * Push mode: the browser PUTs an image's file as the raw body. The body is streamed into the store,
 * never buffered; that is also why /api is outside the proxy, which would buffer and cut it.
 */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const outcome = await uploadImageFile(await getCurrentUser(), id, {
    body: request.body,
    contentLength: parseContentLength(request.headers.get('content-length')),
    contentType: request.headers.get('content-type'),
    signal: request.signal,
  });
  const { status, ...body } = outcome;
  return NextResponse.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** Null when absent; a malformed header counts as absent, so the client is told what to send. */
function parseContentLength(header: string | null): number | null {
  if (header === null || !/^\d{1,16}$/.test(header.trim())) return null;
  const value = Number(header.trim());
  return Number.isSafeInteger(value) ? value : null;
}
