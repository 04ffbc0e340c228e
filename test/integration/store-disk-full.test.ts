import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { closeAllDatabases, getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images, storeReservations } from '@/lib/db/tables';
import { createImage } from '@/lib/images/operations';
import { uploadImageFile } from '@/lib/store/upload';
import { createSuperAdmin, expectOk, run } from '../support/portal';
import { localStoreDir } from '../support/store';

const MiB = 1024 * 1024;

/**
 * The portal's data directory on a small file system (a 48 MiB tmpfs), database included: uploads
 * reserve their size against the free space less the margin, counting the others in flight, and a
 * disk that fills up anyway (something else wrote to it) fails that one upload with 507, keeps
 * nothing partial, and leaves SQLite working.
 */
describe('the image store on a small file system', () => {
  const mount = path.join(process.env.TMPDIR!, 'small-fs');
  let admin: UserContext;

  beforeAll(async () => {
    fs.mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mount]);
    process.env.PORTAL_DATA_DIR = path.join(mount, 'data');
    process.env.PORTAL_STORE_MARGIN_MB = '4';
    admin = await createSuperAdmin();
  });
  afterAll(async () => {
    await closeAllDatabases();
    execFileSync('umount', ['-l', mount]);
  });

  const newUploadImage = async (name: string) =>
    expectOk(
      await run(
        createImage,
        {
          name,
          version: '1',
          osType: 'linux',
          category: 'Linux',
          diskFormat: 'raw',
          containerFormat: 'bare',
          source: 'upload',
        },
        admin,
      ),
    ).id;
  const storeEntries = () => fs.readdirSync(localStoreDir());
  /** A body that sends `first` bytes, waits for `gate`, then sends the rest. */
  function gatedBody(total: number, first: number, gate: Promise<void>) {
    async function* chunks() {
      for (let sent = 0; sent < total; sent += MiB) {
        if (sent === first) await gate;
        yield Buffer.alloc(Math.min(MiB, total - sent), 0x5a);
      }
    }
    return Readable.from(chunks());
  }

  it('refuses at once what does not fit, counting the uploads in flight; nothing is written', async () => {
    const first = await newUploadImage('holds-room');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const inFlight = uploadImageFile(admin, first, {
      body: gatedBody(24 * MiB, 2 * MiB, gate),
      contentLength: 24 * MiB,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await getDb().select().from(storeReservations)).toMatchObject([
      { tempFile: `${first}.upload`, bytes: 24 * MiB },
    ]);

    // Alone it would fit; with 22 MiB still to come for the first one, it does not.
    const second = await newUploadImage('no-room');
    const refused = await uploadImageFile(admin, second, {
      body: Readable.from([Buffer.alloc(20 * MiB)]),
      contentLength: 20 * MiB,
    });
    expect(refused).toMatchObject({ ok: false, status: 507 });
    expect(!refused.ok && refused.error).toMatch(
      /^The portal's image store has .+ free, of which 22\.0 MiB are held for other uploads and imports and 4\.00 MiB are kept free; it cannot take this upload \(20\.0 MiB\)/,
    );
    expect(storeEntries()).toEqual([`${first}.upload`]);

    open();
    expect(await inFlight).toMatchObject({ ok: true, sizeBytes: 24 * MiB });
    expect(await getDb().select().from(storeReservations)).toEqual([]);
    fs.rmSync(path.join(localStoreDir(), `${first}.raw`));
  });

  it('fails an upload that meets a full disk with 507, keeps nothing of it, and SQLite goes on working', async () => {
    const imageId = await newUploadImage('meets-full-disk');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const upload = uploadImageFile(admin, imageId, {
      body: gatedBody(16 * MiB, 4 * MiB, gate),
      contentLength: 16 * MiB,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Something other than the portal fills the file system meanwhile.
    const filler = path.join(mount, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      for (;;) fs.writeSync(fd, crypto.randomBytes(MiB));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    open();

    const outcome = await upload;
    expect(outcome).toEqual({
      ok: false,
      status: 507,
      error:
        "The portal's image store ran out of space while receiving the upload; nothing was stored. Free some space and try again.",
    });
    expect(storeEntries().filter((f) => f.startsWith(imageId))).toEqual([]);
    // The partial file is gone, so SQLite could record the refusal, and the image still waits for its file.
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'image.upload'), eq(auditEvents.targetId, imageId)));
    expect(audit).toMatchObject([{ outcome: 'error', details: { status: 507 } }]);
    expect(await firstRow(getDb().select().from(images).where(eq(images.id, imageId)))).toMatchObject({
      status: 'pending',
      storeFile: null,
    });

    fs.rmSync(filler);
    const again = await uploadImageFile(admin, imageId, {
      body: Readable.from([Buffer.alloc(MiB, 1)]),
      contentLength: MiB,
    });
    expect(again).toMatchObject({ ok: true, sizeBytes: MiB });
  });
});
