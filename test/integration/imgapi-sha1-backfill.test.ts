import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb, firstRow } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { backfillSha1 } from '@/lib/imgapi/serve/sha1-backfill';
import { startPortal } from '@/lib/startup';
import { imageStore } from '@/lib/store/image-store';
import { localStorePath } from '../support/store';
import { createStoreImage, createSuperAdmin, until } from '@/test/support/portal';

/** Images stored before the IMGAPI existed have no SHA-1; the start-up backfill gives them one. */

const sha1Of = (file: string) => crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');
const row = async (id: string) => (await firstRow(getDb().select().from(images).where(eq(images.id, id))))!;
/** As the row of an image uploaded before the store computed SHA-1 looks. */
const forgetSha1 = async (id: string) => await getDb().update(images).set({ sha1: null }).where(eq(images.id, id));

let counter = 0;
async function storedImage(fields: Record<string, unknown> = {}) {
  const admin = await createSuperAdmin();
  const file = path.join(os.tmpdir(), `backfill-${++counter}.raw`);
  fs.writeFileSync(file, crypto.randomBytes(256 * 1024 + counter));
  const id = await createStoreImage(admin, file, { name: `backfill-${counter}`, ...fields });
  return { id, file };
}

describe('SHA-1 backfill', () => {
  it('hashes the stored files of enabled and disabled images that lack a SHA-1, and only those', async () => {
    const plain = await storedImage();
    const disabled = await storedImage();
    const hashed = await storedImage();
    for (const image of [plain, disabled]) await forgetSha1(image.id);
    await getDb().update(images).set({ status: 'disabled' }).where(eq(images.id, disabled.id));
    const before = (await row(hashed.id)).updatedAt;

    const outcome = await backfillSha1();

    expect(outcome).toEqual({ hashed: 2, skipped: 0 });
    expect((await row(plain.id)).sha1).toBe(sha1Of(plain.file));
    expect((await row(disabled.id)).sha1).toBe(sha1Of(disabled.file));
    expect(await row(hashed.id)).toMatchObject({ sha1: sha1Of(hashed.file), updatedAt: before });
    // Nothing left to do on a second run.
    expect(await backfillSha1()).toEqual({ hashed: 0, skipped: 0 });
  });

  it('gives no SHA-1 to a file that no longer matches its SHA-256, nor to one that is gone', async () => {
    const tampered = await storedImage();
    const gone = await storedImage();
    for (const image of [tampered, gone]) await forgetSha1(image.id);
    const tamperedPath = localStorePath((await row(tampered.id)).storeFile!);
    const bytes = fs.readFileSync(tamperedPath);
    bytes.writeUInt8(bytes.readUInt8(0) ^ 0xff, 0);
    fs.writeFileSync(tamperedPath, bytes);
    fs.rmSync(localStorePath((await row(gone.id)).storeFile!));

    expect(await backfillSha1()).toEqual({ hashed: 0, skipped: 2 });
    expect((await row(tampered.id)).sha1).toBeNull();
    expect((await row(gone.id)).sha1).toBeNull();
  });

  it('does not write over a row whose file changed while it was hashed', async () => {
    const image = await storedImage();
    await forgetSha1(image.id);
    // The row changes as the backfill opens the file it listed, after its list and before its write.
    const store = imageStore();
    const open = store.open.bind(store);
    const opening = vi.spyOn(store, 'open').mockImplementation(async (storeFile) => {
      if (storeFile.startsWith(image.id))
        await getDb()
          .update(images)
          .set({ storeFile: `${image.id}.qcow2` })
          .where(eq(images.id, image.id));
      return await open(storeFile);
    });
    try {
      // (The broken images of the test above are skipped again too: each start tries them anew.)
      expect((await backfillSha1()).hashed).toBe(0);
      expect(opening).toHaveBeenCalledWith(`${image.id}.raw`);
    } finally {
      opening.mockRestore();
    }
    expect((await row(image.id)).sha1).toBeNull();
  });

  it('runs in the background of the portal start', async () => {
    const image = await storedImage();
    await forgetSha1(image.id);
    await startPortal();
    await until(async () => (await row(image.id)).sha1 !== null);
    expect((await row(image.id)).sha1).toBe(sha1Of(image.file));
  });
});
