/**
 * A loopback HTTP image mirror, standing in for the FTP/HTTP servers that nodes download from.
 * It serves the files of one directory with Content-Length, HEAD and byte ranges. Tests can ask
 * for trouble in the query string: `?truncate` cuts the connection halfway, `?rate=N` sends N
 * bytes a second.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type Mirror = { url: (file: string) => string; close: () => Promise<void>; requests: string[] };

export async function startMirror(dir: string, host = '127.0.0.1', port = 0): Promise<Mirror> {
  const root = path.resolve(dir);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}${req.headers.range ? ` range=${req.headers.range}` : ''}`);
    const url = new URL(req.url ?? '/', 'http://mirror');
    const name = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.join(root, name);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const size = fs.statSync(file).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (range && start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': end - start + 1,
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    if (url.searchParams.has('truncate')) {
      const half = start + Math.floor((end - start + 1) / 2);
      fs.createReadStream(file, { start, end: half })
        .on('end', () => res.destroy())
        .pipe(res, { end: false });
      return;
    }
    const rate = Number(url.searchParams.get('rate'));
    if (rate > 0) return void sendThrottled(file, start, end, rate, res);
    fs.createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: (file) => `http://${host}:${actualPort}/${encodeURIComponent(file)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    requests,
  };
}

async function sendThrottled(
  file: string,
  start: number,
  end: number,
  bytesPerSecond: number,
  res: http.ServerResponse,
) {
  const chunk = 64 * 1024;
  const handle = await fs.promises.open(file, 'r');
  try {
    for (let offset = start; offset <= end && !res.destroyed; offset += chunk) {
      const { buffer, bytesRead } = await handle.read(
        Buffer.alloc(Math.min(chunk, end - offset + 1)),
        0,
        undefined,
        offset,
      );
      res.write(buffer.subarray(0, bytesRead));
      await new Promise((resolve) => setTimeout(resolve, (bytesRead / bytesPerSecond) * 1000));
    }
    res.end();
  } finally {
    await handle.close();
  }
}
