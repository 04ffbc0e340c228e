import 'server-only';
import crypto from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { getDb, changedRows } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { imageStore } from '@/lib/store/image-store';
import { readerChunks } from '@/lib/store/reading';

/**
 * IMGAPI names a file by its SHA-1 (lib/imgapi/manifest.ts), and the store has computed it for every
 * file it received only since the IMGAPI was added. Files stored before lack it, and an image without
 * one is not served (lib/imgapi/served.ts). This hashes them once, at start-up, in the background.
 *
 * - Enabled and disabled images both: a disabled image may be enabled later, and must then be served.
 * - One file at a time: it reads whole image files, and the portal has work of its own meanwhile.
 * - The SHA-256 is computed in the same pass and must match the recorded one: a SHA-1 is only ever
 *   published for the very file the image was verified with.
 * - The write is conditional: an image whose file was replaced or removed meanwhile is left alone.
 */

export type BackfillOutcome = { hashed: number; skipped: number };

const globalForBackfill = globalThis as unknown as { __sha1Backfill?: Promise<BackfillOutcome> };

/** Runs the backfill unless one is already running in this process; resolves when it is done. */
export async function backfillSha1(): Promise<BackfillOutcome> {
  globalForBackfill.__sha1Backfill ??= run().finally(() => {
    globalForBackfill.__sha1Backfill = undefined;
  });
  return globalForBackfill.__sha1Backfill;
}

async function run(): Promise<BackfillOutcome> {
  const db = getDb();
  const pending = await db
    .select({ id: images.id, storeFile: images.storeFile, sha256: images.sha256, sizeBytes: images.sizeBytes })
    .from(images)
    .where(and(isNull(images.sha1), isNotNull(images.storeFile), inArray(images.status, ['ok', 'disabled'])));
  const outcome: BackfillOutcome = { hashed: 0, skipped: 0 };
  for (const image of pending) {
    const storeFile = image.storeFile!;
    try {
      const hashed = await hashStoredFile(storeFile);
      // Removed meanwhile (a purge): nothing to hash.
      if (!hashed) {
        outcome.skipped++;
        continue;
      }
      const { sha1, sha256, size } = hashed;
      if (
        (image.sha256 && image.sha256.toLowerCase() !== sha256) ||
        (image.sizeBytes !== null && image.sizeBytes !== size)
      ) {
        console.warn(
          `[portal] The stored file of image ${image.id} no longer matches its checksum; it gets no SHA-1 and is not served over IMGAPI.`,
        );
        outcome.skipped++;
        continue;
      }
      const written = await db
        .update(images)
        .set({ sha1 })
        .where(and(eq(images.id, image.id), eq(images.storeFile, storeFile), isNull(images.sha1)));
      if (changedRows(written) === 1) outcome.hashed++;
      else outcome.skipped++;
    } catch (err) {
      // Worth a line, not a stop: the image is not served until its file has a SHA-1.
      console.warn(`[portal] Could not hash the stored file of image ${image.id}: ${String(err)}`);
      outcome.skipped++;
    }
  }
  return outcome;
}

/** SHA-1, SHA-256 and size of a stored file; undefined when the store no longer has it (a purge). */
async function hashStoredFile(storeFile: string): Promise<{ sha1: string; sha256: string; size: number } | undefined> {
  const reader = await imageStore().open(storeFile);
  if (!reader) return undefined;
  const sha1 = crypto.createHash('sha1');
  const sha256 = crypto.createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of readerChunks(reader)) {
      sha1.update(chunk);
      sha256.update(chunk);
      size += chunk.length;
    }
  } finally {
    await reader.close();
  }
  return { sha1: sha1.digest('hex'), sha256: sha256.digest('hex'), size };
}
