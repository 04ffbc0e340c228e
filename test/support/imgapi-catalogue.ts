/**
 * A catalogue for the IMGAPI serving tests: five images the portal must serve, of every IMGAPI
 * kind, and one of each kind of image it must not (private, deleted, disabled, pending, URL-only,
 * being purged, without SHA-1). Made through the portal's own operations where there is one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { setClockForTests } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { changeImageLifecycle } from '@/lib/images/lifecycle';
import { createImage } from '@/lib/images/operations';
import { createStoreImage, createSuperAdmin, createUrlImage, expectOk, run } from '@/test/support/portal';

/** When the served images were published: A at T0 + 1 s, B at + 2 s, C and D both at + 3 s, E at + 4 s. */
export const T0 = Date.parse('2024-06-01T00:00:00.000Z');
/** A's file: over 3 MiB, so that it spans several read chunks. */
export const A_SIZE = 3 * 1024 * 1024 + 17;

export type Catalogue = {
  /** The served images by letter, and the file each was uploaded from. */
  served: Record<'A' | 'B' | 'C' | 'D' | 'E', { id: string; file: string }>;
  /** Images that exist in the portal but must not be served, by why. */
  hidden: Record<'private' | 'deleted' | 'disabled' | 'pending' | 'urlOnly' | 'purging' | 'noSha1', string>;
};

const KINDS = [
  ['A', 1, { name: 'alpha', version: '1.0.0', osType: 'linux', diskFormat: 'raw' }, A_SIZE],
  ['B', 2, { name: 'beta', version: '2.0-rc1', osType: 'windows', category: 'Windows', diskFormat: 'qcow2' }, 4096],
  // C and D share a published_at: paging must neither skip nor repeat one of them.
  ['C', 3, { name: 'gamma', version: '1.0.1', osType: 'sunos-zone', category: 'Other', diskFormat: 'raw' }, 5000],
  ['D', 3, { name: 'delta', version: '2024.06', osType: 'linux', diskFormat: 'iso' }, 6000],
  ['E', 4, { name: 'epsilon', version: '1.0.0', osType: 'linux-zone', diskFormat: 'raw' }, 7000],
] as const;

export async function seedImgapiCatalogue(): Promise<Catalogue> {
  const admin = await createSuperAdmin();
  const served = {} as Catalogue['served'];
  for (const [letter, second, fields, size] of KINDS) {
    const file = sampleFile(`${letter}.img`, size);
    const restore = setClockForTests({ now: () => new Date(T0 + second * 1000) });
    try {
      served[letter] = { id: await createStoreImage(admin, file, fields), file };
    } finally {
      restore();
    }
  }

  const small = sampleFile('hidden.img', 1000);
  const stored = async (name: string) => await createStoreImage(admin, small, { name });
  const change = async (imageId: string, input: Record<string, string>) => {
    expectOk(await run(changeImageLifecycle, { imageId, ...input }, admin));
    return imageId;
  };
  const setRow = async (imageId: string, set: Partial<typeof images.$inferInsert>) => {
    await getDb().update(images).set(set).where(eq(images.id, imageId));
    return imageId;
  };
  const pendingInput = {
    name: 'pending-one',
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'raw',
    containerFormat: 'bare',
    source: 'upload',
  };
  const hidden: Catalogue['hidden'] = {
    private: await change(await stored('private-one'), { change: 'access', access: 'private' }),
    deleted: await change(await stored('deleted-one'), { change: 'access', access: 'deleted' }),
    disabled: await change(await stored('disabled-one'), { change: 'status', status: 'disabled' }),
    // Created for an upload that never came.
    pending: expectOk(await run(createImage, pendingInput, admin)).id,
    urlOnly: await createUrlImage(admin, {
      name: 'url-one',
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      sha256: 'c'.repeat(64),
    }),
    purging: await setRow(await stored('purging-one'), { purgeRequestedAt: new Date() }),
    // As a file stored before the IMGAPI existed, until the start-up backfill hashes it.
    noSha1: await setRow(await stored('no-sha1-one'), { sha1: null }),
  };
  return { served, hidden };
}

function sampleFile(name: string, size: number): string {
  const file = path.join(os.tmpdir(), name);
  fs.writeFileSync(file, crypto.randomBytes(size));
  return file;
}
