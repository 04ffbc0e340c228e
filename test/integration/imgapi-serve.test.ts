import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImgapiManifest } from '@/lib/imgapi/manifest';
import { A_SIZE, seedImgapiCatalogue, T0, type Catalogue } from '@/test/support/imgapi-catalogue';
import { startImgapiServer, type ImgapiServer } from '@/scripts/lib/imgapi-server';

/**
 * The portal as an IMGAPI repository, over HTTP: what it lists, how it filters,
 * pages and sorts, the manifests, and the file download with ranges. Triton's own client is in
 * imgapi-sdc-clients.test.ts.
 */

let server: ImgapiServer;
let served: Catalogue['served'];
let hidden: Catalogue['hidden'];

const api = (pathAndQuery: string, init?: RequestInit) => fetch(`${server.url}${pathAndQuery}`, init);
async function list(query = ''): Promise<string[]> {
  const response = await api(`/images${query ? `?${query}` : ''}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as ImgapiManifest[]).map((m) => m.uuid);
}
const ids = (...letters: (keyof Catalogue['served'])[]) => letters.map((l) => served[l].id);
const digest = (algorithm: string, data: Buffer, encoding: 'hex' | 'base64' = 'hex') =>
  crypto.createHash(algorithm).update(data).digest(encoding);

beforeAll(async () => {
  ({ served, hidden } = await seedImgapiCatalogue());
  server = await startImgapiServer({ host: '127.0.0.100' });
});

afterAll(async () => {
  await server?.close();
});

describe('ListImages', () => {
  it('lists only public, enabled images with a hashed file in the store, oldest first', async () => {
    const all = await list();
    // C and D were published in the same millisecond; the uuid orders them.
    const [first, second] = [served.C.id, served.D.id].sort();
    expect(all).toEqual([...ids('A', 'B'), first, second, ...ids('E')]);
    for (const id of Object.values(hidden)) expect(all).not.toContain(id);
  });

  it.each([
    ['name=alpha', ['A']],
    ['name=alph', []],
    ['name=~lta', ['D']],
    ['version=1.0.0', ['A', 'E']],
    ['version=~1.0', ['A', 'C', 'E']],
    ['version=~RC', []],
    ['os=linux', ['A', 'D', 'E']],
    ['os=smartos', ['C']],
    ['os=plan9', []],
    ['type=zvol', ['A', 'B']],
    ['type=other', ['D']],
    ['type=!zvol', ['C', 'D', 'E']],
    ['type=lx-dataset&os=linux', ['E']],
    ['os=windows&version=1.0.0', []],
    ['state=all&name=beta', ['B']],
    ['state=active&name=beta', ['B']],
    ['state=disabled', []],
    ['state=unactivated', []],
    ['state=failed', []],
    ['public=false', []],
    ['public=true&name=beta', ['B']],
  ] as [string, (keyof Catalogue['served'])[]][])('filters %s', async (query, letters) => {
    expect((await list(query)).sort()).toEqual(ids(...letters).sort());
  });

  it('pages with limit and an inclusive marker, as the sdc-clients loop expects', async () => {
    const all = await list();
    expect(await list('limit=2')).toEqual(all.slice(0, 2));
    // The marker image comes first on its page.
    expect(await list(`limit=2&marker=${all[2]}`)).toEqual(all.slice(2, 4));
    const walked: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(`limit=2${marker ? `&marker=${marker}` : ''}`);
      const fresh = marker && page[0] === marker ? page.slice(1) : page;
      walked.push(...fresh);
      if (page.length < 2 || fresh.length === 0) break;
      marker = page[page.length - 1];
    }
    expect(walked).toEqual(all);
  });

  it('sorts newest first on request, and then pages downwards from the marker', async () => {
    const all = await list('sort=published_at.asc');
    expect(all).toEqual(await list('sort=published_at'));
    const desc = await list('sort=published_at.desc');
    expect(desc).toEqual([...all].reverse());
    expect(await list(`sort=published_at.desc&limit=3&marker=${desc[1]}`)).toEqual(desc.slice(1, 4));
  });

  it('takes a date as marker: published_at at or after it', async () => {
    expect(await list(`marker=${new Date(T0 + 3000).toISOString()}`)).toEqual((await list()).slice(2));
  });

  it('answers an unknown or unserved marker with ResourceNotFound, and bad parameters with InvalidParameter', async () => {
    for (const marker of [crypto.randomUUID(), hidden.private]) {
      const response = await api(`/images?marker=${marker}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        code: 'ResourceNotFound',
        message: expect.stringContaining(marker),
      });
    }
    for (const query of ['limit=0', 'limit=1001', 'state=gone', 'sort=name', 'marker=soon']) {
      const response = await api(`/images?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'InvalidParameter',
        errors: [{ field: query.split('=')[0] }],
      });
    }
  });
});

describe('GetImage', () => {
  it('returns the manifest v2 of a served image', async () => {
    const response = await api(`/images/${served.A.id}`);
    expect(response.status).toBe(200);
    const bytes = fs.readFileSync(served.A.file);
    expect(await response.json()).toMatchObject({
      v: 2,
      uuid: served.A.id,
      name: 'alpha',
      version: '1.0.0',
      state: 'active',
      disabled: false,
      public: true,
      published_at: new Date(T0 + 1000).toISOString(),
      type: 'zvol',
      os: 'linux',
      files: [{ sha1: digest('sha1', bytes), size: bytes.length, compression: 'none' }],
      image_size: 4,
      tags: { 'cbp:disk_format': 'raw' },
    });
  });

  it('answers ResourceNotFound for images it does not serve, and their files, and for what is not a uuid', async () => {
    for (const id of [...Object.values(hidden), crypto.randomUUID(), 'not-a-uuid']) {
      for (const response of [await api(`/images/${id}`), await api(`/images/${id}/file`)]) {
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ code: 'ResourceNotFound', message: `image "${id}" was not found` });
      }
    }
  });
});

describe('GetImageFile', () => {
  const fileUrl = () => `/images/${served.A.id}/file`;
  const bytes = () => fs.readFileSync(served.A.file);

  it('streams the whole file with its Content-MD5', async () => {
    const response = await api(fileUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-md5')).toBe(digest('md5', bytes(), 'base64'));
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes())).toBe(true);
  });

  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=1048570-2097160', 1048570, 2097160],
    ['bytes=3145000-', 3145000, A_SIZE - 1],
    ['bytes=-7', A_SIZE - 7, A_SIZE - 1],
  ])('answers Range %s with 206 and exactly that slice', async (range, start, end) => {
    const response = await api(fileUrl(), { headers: { range } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes().length}`);
    // The stored MD5 is the whole file's; it does not describe a part.
    expect(response.headers.get('content-md5')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes().subarray(start, end + 1))).toBe(true);
  });

  it('answers a range past the end with 416, and several ranges with the whole file', async () => {
    const past = await api(fileUrl(), { headers: { range: `bytes=${bytes().length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes().length}`);
    const several = await api(fileUrl(), { headers: { range: 'bytes=0-1,5-6' } });
    expect(several.status).toBe(200);
    expect((await several.arrayBuffer()).byteLength).toBe(bytes().length);
  });

  it('answers HEAD with the headers alone', async () => {
    const response = await api(fileUrl(), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-md5')).toBe(digest('md5', bytes(), 'base64'));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  // Over the wire, as clients get it: the Pages API route sends the length itself (next start would
  // drop an App Router route's).
  it('gives the Content-Length of the whole file, of a part, and on HEAD', async () => {
    const whole = await api(fileUrl());
    expect(whole.headers.get('content-length')).toBe(String(A_SIZE));
    expect((await whole.arrayBuffer()).byteLength).toBe(A_SIZE);
    const part = await api(fileUrl(), { headers: { range: 'bytes=10-1048585' } });
    expect(part.headers.get('content-length')).toBe('1048576');
    expect((await part.arrayBuffer()).byteLength).toBe(1048576);
    expect((await api(fileUrl(), { method: 'HEAD' })).headers.get('content-length')).toBe(String(A_SIZE));
  });
});
