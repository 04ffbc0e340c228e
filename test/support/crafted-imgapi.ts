/**
 * A hand-made IMGAPI repository for the import's failure cases: each image (by uuid) has its own
 * manifest, file bytes and way of sending them, including ways a real server fails: a connection
 * cut halfway, a server that goes silent, a manifest far too large.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type CraftedImage = {
  manifest: Record<string, unknown> & { uuid: string };
  /** What GET /images/:uuid answers, when it should differ from the listing's entry. */
  ownManifest?: Record<string, unknown>;
  file: Buffer;
  /** whole: as it should; cut: half, then the connection drops; stall: half, then silence; slow: 64 KiB every 100 ms. */
  send?: 'whole' | 'cut' | 'stall' | 'slow';
};

export async function startCraftedImgapi(host: string, images: CraftedImage[]) {
  const byUuid = new Map(images.map((image) => [image.manifest.uuid, image]));
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const [, uuid, file] = /^\/imgapi\/images(?:\/([^/?]+)(\/file)?)?/.exec(req.url ?? '') ?? [];
    if (!uuid) return json(res, 200, listPage(images, new URL(req.url ?? '/', 'http://x').searchParams));
    const image = byUuid.get(uuid);
    if (!image) return json(res, 404, { code: 'ResourceNotFound', message: `image ${uuid} not found` });
    if (!file) return json(res, 200, image.ownManifest ?? image.manifest);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(image.file.length) });
    if (!image.send || image.send === 'whole') return res.end(image.file);
    if (image.send === 'slow') return dribble(res, image.file);
    res.write(image.file.subarray(0, image.file.length >> 1));
    if (image.send === 'cut') setTimeout(() => res.destroy(), 50);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/imgapi`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** IMGAPI paging over the images in their given order: `limit`, and `marker` included as the first entry. */
function listPage(images: CraftedImage[], query: URLSearchParams) {
  const manifests = images.map((i) => i.manifest);
  const marker = query.get('marker');
  const from = marker
    ? Math.max(
        0,
        manifests.findIndex((m) => m.uuid === marker),
      )
    : 0;
  return manifests.slice(from, from + Number(query.get('limit') ?? 1000));
}

function dribble(res: http.ServerResponse, file: Buffer, offset = 0): void {
  if (res.destroyed) return;
  if (offset >= file.length) return void res.end();
  res.write(file.subarray(offset, offset + 64 * 1024));
  setTimeout(() => dribble(res, file, offset + 64 * 1024), 100);
}
