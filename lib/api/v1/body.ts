import 'server-only';

/**
 * Reading a JSON request body without letting a caller exhaust the portal: at most MAX_JSON_BODY
 * bytes are ever held, whatever Content-Length says or does not say. Callers authenticate before
 * they read, so an anonymous caller never gets the portal to read a byte of its body.
 */
export const MAX_JSON_BODY = 1024 * 1024;
export const BODY_TOO_LARGE = `The request body is larger than ${MAX_JSON_BODY / 1024 / 1024} MiB; nothing was read beyond that.`;

export type BodyRead = { ok: true; value: unknown } | { ok: false; reason: 'too_large' | 'not_json' };

export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY): Promise<BodyRead> {
  const announced = Number(request.headers.get('content-length') ?? NaN);
  if (announced > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too_large' };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); reader && read && !read.done; read = await reader.read()) {
    total += read.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(read.value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'not_json' };
  }
}
