/**
 * A tiny HTTP server that answers the portal's IMGAPI routes without a Next.js build, for tests and
 * for the upstream portal (upstream-portal-process.ts). It hands each request to the route module's
 * own GET or HEAD (app/imgapi/…), or for image files to the Pages API route (pages/api/imgapi/…)
 * with Node's own request and response, as `next start` would, and streams the answer back. Real
 * clients (sdc-clients, the portal's own import) can then talk to such a portal over loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import * as list from '@/app/imgapi/images/route';
import * as one from '@/app/imgapi/images/[uuid]/route';
import * as ping from '@/app/imgapi/ping/route';
import imageFile from '@/pages/api/imgapi/images/[uuid]/file';

/**
 * Headers `next start` does not pass on from a route handler's Response (next 16.4,
 * dist/server/send-response.js FORBIDDEN_HEADERS): it sends the body chunked instead. Dropped here
 * too, so that what a test sees is what a client of the real portal gets.
 */
const NEXT_DROPS = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

type Handler = (request: Request, context: { params: Promise<{ uuid: string }> }) => Promise<Response> | Response;
type Route = { pattern: RegExp; module: { GET: Handler; HEAD?: Handler } };

const ROUTES: Route[] = [
  { pattern: /^\/imgapi\/images\/?$/, module: list as Route['module'] },
  { pattern: /^\/imgapi\/images\/([^/]+)\/?$/, module: one as Route['module'] },
  { pattern: /^\/imgapi\/ping\/?$/, module: ping as Route['module'] },
];

export type ImgapiServer = {
  /** Base URL of the repository, e.g. http://127.0.0.100:41234/imgapi */ url: string;
  close: () => Promise<void>;
};

export async function startImgapiServer(options: { host: string; port?: number }): Promise<ImgapiServer> {
  const server = http.createServer((req, res) => {
    handle(req, res, options.host).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InternalError', message: String(err) }));
      } else {
        res.destroy(err instanceof Error ? err : undefined);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/imgapi`,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets from clients would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FILE = /^\/imgapi\/images\/([^/]+)\/file\/?$/;

async function handle(req: http.IncomingMessage, res: http.ServerResponse, host: string): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
  const file = FILE.exec(url.pathname);
  if (file) {
    // Next's rewrite passes the uuid as a query parameter of the API route.
    const query = { uuid: decodeURIComponent(file[1]!) };
    return imageFile(
      Object.assign(req, { query }) as unknown as Parameters<typeof imageFile>[0],
      res as Parameters<typeof imageFile>[1],
    );
  }
  const route = ROUTES.find((r) => r.pattern.test(url.pathname));
  if (!route) return send(res, 404, { code: 'ResourceNotFound', message: `${url.pathname} does not exist` });
  const method = req.method ?? 'GET';
  const handler =
    method === 'GET' ? route.module.GET : method === 'HEAD' ? (route.module.HEAD ?? route.module.GET) : undefined;
  if (!handler) return send(res, 405, { code: 'BadMethod', message: `${method} is not allowed on ${url.pathname}` });

  // Abort the route's work (an open file stream) when the client goes away, as Next does.
  const aborter = new AbortController();
  res.on('close', () => aborter.abort());
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const request = new Request(url, { method, headers, signal: aborter.signal });
  const uuid = decodeURIComponent(route.pattern.exec(url.pathname)?.[1] ?? '');
  const response = await handler(request, { params: Promise.resolve({ uuid }) });

  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!NEXT_DROPS.has(name)) outHeaders[name] = value;
  });
  res.writeHead(response.status, outHeaders);
  if (!response.body || method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as unknown as NodeWebReadableStream<Uint8Array>), res);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
