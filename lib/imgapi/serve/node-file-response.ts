import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { respondImageFile } from './file-response';

/**
 * IMGAPI GetImageFile on Node's own request and response. Next (16.4) drops the Content-Length of
 * an App Router route's Response and sends the body chunked (next/dist/server/send-response.js),
 * but IMGAPI clients are promised the file's length up front. A Pages Router API route writes to
 * the response itself, so the file is served from one (pages/api/imgapi/images/[uuid]/file.ts,
 * reached through a rewrite in next.config.js); everything else stays in file-response.ts.
 */
export async function sendImageFile(req: IncomingMessage, res: ServerResponse, uuid: string): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'BadMethod', message: `${method} is not allowed on an image file` }));
    return;
  }
  const headers = new Headers();
  for (const name of ['range', 'if-range']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  const response = await respondImageFile(
    new Request(`http://portal.invalid${req.url ?? '/'}`, { method, headers }),
    uuid,
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body || method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as unknown as NodeWebReadableStream<Uint8Array>), res);
  } catch (err) {
    // A client that went away mid-file is not a server error; the pipeline has closed the file.
    if (!res.destroyed) throw err;
  }
}
