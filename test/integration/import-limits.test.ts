import zlib from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { images, storeReservations } from '@/lib/db/tables';
import { createRepository, refreshRepository } from '@/lib/repositories/operations';
import { startCraftedImgapi } from '../support/crafted-imgapi';
import { craft, hash, importAndWait, storeFiles } from '../support/imports';
import { createSuperAdmin, expectOk, run } from '../support/portal';

const MiB = 1024 * 1024;

/**
 * A repository cannot fill the portal's disk through decompression: what a compressed file may
 * grow to is capped by the disk size its manifest declares, and by PORTAL_IMPORT_MAX_GB in any case,
 * and that cap, plus the store's margin, must fit in the store before a byte is downloaded.
 */
describe('imports are bounded by what they may decompress to', () => {
  // 200 MiB of zeros is about 200 KiB of gzip: a small download that would fill far more disk.
  const zeros = zlib.gzipSync(Buffer.alloc(200 * MiB));
  const gzipped = (name: string, extra: Record<string, unknown> = {}) =>
    craft(name, zeros, { files: [{ sha1: hash('sha1', zeros), size: zeros.length, compression: 'gzip' }], ...extra });
  const crafted = {
    declared: gzipped('bomb-declared', { image_size: 16 }),
    undeclared: gzipped('bomb-undeclared'),
    huge: gzipped('huge-cap'),
  };
  let admin: UserContext;
  let remote!: Awaited<ReturnType<typeof startCraftedImgapi>>;
  let repositoryId: string;
  const originalCap = process.env.PORTAL_IMPORT_MAX_GB;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    remote = await startCraftedImgapi('127.0.0.179', Object.values(crafted));
    ({ id: repositoryId } = expectOk(await run(createRepository, { name: 'bombs', url: remote.url }, admin)));
    expectOk(await run(refreshRepository, { repositoryId }, admin));
  });
  afterAll(() => remote?.close());
  afterEach(() => {
    process.env.PORTAL_IMPORT_MAX_GB = originalCap;
  });

  const expectNothingKept = async (uuid: string, filesBefore: string[]) => {
    expect(await firstRow(getDb().select().from(images).where(eq(images.id, uuid)))).toBeUndefined();
    expect(storeFiles()).toEqual(filesBefore);
    expect(await getDb().select().from(storeReservations)).toEqual([]);
  };

  it("stops a file that decompresses past its manifest's declared disk size", async () => {
    const filesBefore = storeFiles();
    const job = await importAndWait(admin, { repositoryId, uuid: crafted.declared.manifest.uuid });
    expect(job.status).toBe('failed');
    // 16 MiB declared, plus room for a container format's metadata (64 MiB at least).
    expect(job.error).toBe(
      'The file decompresses to more than 80.0 MiB, the most this import may hold; it was stopped and nothing was stored.',
    );
    await expectNothingKept(crafted.declared.manifest.uuid, filesBefore);
  });

  it('stops one that declares nothing at PORTAL_IMPORT_MAX_GB', async () => {
    process.env.PORTAL_IMPORT_MAX_GB = '0.05';
    const filesBefore = storeFiles();
    const job = await importAndWait(admin, { repositoryId, uuid: crafted.undeclared.manifest.uuid });
    expect(job.status).toBe('failed');
    expect(job.error).toBe(
      'The file decompresses to more than 51.2 MiB, the most this import may hold; it was stopped and nothing was stored.',
    );
    await expectNothingKept(crafted.undeclared.manifest.uuid, filesBefore);
  });

  it('refuses before downloading when the cap and the margin do not fit in the store', async () => {
    process.env.PORTAL_IMPORT_MAX_GB = '100000';
    const filesBefore = storeFiles();
    const job = await importAndWait(admin, { repositoryId, uuid: crafted.huge.manifest.uuid });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(
      new RegExp(
        `^The portal's image store has .+ free, of which 0 B are held for other uploads and imports and 512\\.0 MiB are kept free; it cannot take image ${crafted.huge.manifest.uuid} \\(97\\.7 TiB\\)\\. Free some space and try again\\.$`,
      ),
    );
    expect(job.bytesDone).toBe(0);
    await expectNothingKept(crafted.huge.manifest.uuid, filesBefore);
  });
});
