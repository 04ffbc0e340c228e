import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, firstRow } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { seedImgapiCatalogue, T0, type Catalogue } from '@/test/support/imgapi-catalogue';
import { startImgapiServer, type ImgapiServer } from '@/scripts/lib/imgapi-server';
import { sdcImgapiClient, type SdcImgapiClient } from '@/test/support/sdc-imgapi-client';

/**
 * The portal's IMGAPI with the client Triton itself uses (npm sdc-clients, lib/imgapi.js): it
 * pages with its own marker loop and checks each download against Content-MD5.
 */

let server: ImgapiServer;
let client: SdcImgapiClient;
let served: Catalogue['served'];
let hidden: Catalogue['hidden'];
const sha = (algorithm: string, data: Buffer) => crypto.createHash(algorithm).update(data).digest('hex');

beforeAll(async () => {
  ({ served, hidden } = await seedImgapiCatalogue());
  server = await startImgapiServer({ host: '127.0.0.101' });
  client = sdcImgapiClient(server.url);
});

afterAll(async () => {
  client?.close();
  await server?.close();
});

/** The catalogue's order: by published_at, and C and D (published together) by uuid. */
const servedInOrder = () => [served.A.id, served.B.id, ...[served.C.id, served.D.id].sort(), served.E.id];

describe('sdc-clients IMGAPI', () => {
  it('lists every served image, and filters and limits as asked', async () => {
    expect((await client.listImages({})).map((m) => m.uuid)).toEqual(servedInOrder());
    expect((await client.listImages({ os: 'linux', limit: 2 })).map((m) => m.uuid)).toEqual([served.A.id, served.D.id]);
  });

  it('gets a manifest and downloads a file that matches its checksums', async () => {
    const manifest = await client.getImage(served.A.id);
    expect(manifest).toMatchObject({ v: 2, uuid: served.A.id, name: 'alpha', state: 'active' });

    // getImageFile itself refuses a body whose MD5 differs from Content-MD5 (or has none).
    const target = path.join(os.tmpdir(), 'downloaded.img');
    await client.getImageFile(served.A.id, target);
    const downloaded = fs.readFileSync(target);
    expect(downloaded.length).toBe(manifest.files[0]!.size);
    expect(sha('sha1', downloaded)).toBe(manifest.files[0]!.sha1);
    const row = (await firstRow(getDb().select().from(images).where(eq(images.id, served.A.id))))!;
    expect(sha('sha256', downloaded)).toBe(row.sha256);
  });

  it('reports an image it does not serve as ResourceNotFound, as IMGAPI does', async () => {
    await expect(client.getImage(hidden.private)).rejects.toMatchObject({
      statusCode: 404,
      restCode: 'ResourceNotFound',
    });
    await expect(client.getImageFile(hidden.pending, path.join(os.tmpdir(), 'never.img'))).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('lists past one page of 1000 with its marker loop, skipping and repeating nothing', async () => {
    // Rows only: listing reads no file. A hundred share each timestamp, so a page ends inside a tie.
    const template = (await firstRow(getDb().select().from(images).where(eq(images.id, served.B.id))))!;
    const extra = Array.from({ length: 1000 }, (_, i) => ({
      ...template,
      id: crypto.randomUUID(),
      name: `bulk-${i}`,
      alias: null,
      createdAt: new Date(T0 + 10_000 + Math.floor(i / 100) * 1000),
    }));
    await getDb().transaction(async (tx) => {
      for (const row of extra) await tx.insert(images).values(row);
    });
    const listed = (await client.listImages({})).map((m) => m.uuid);
    expect(listed).toHaveLength(1005);
    expect(listed.slice(0, 5)).toEqual(servedInOrder());
    expect(new Set(listed.slice(5))).toEqual(new Set(extra.map((r) => r.id)));
  });
});
