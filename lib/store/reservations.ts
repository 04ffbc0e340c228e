import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, gt, lte } from 'drizzle-orm';
import { newId, now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { firstRow, getDb } from '@/lib/db/client';
import { storeReservations } from '@/lib/db/tables';
import { ConflictError, UnavailableError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import { jobOwnerId } from '@/lib/jobs/owner';

/**
 * Room in the image store for the streams under way. Before an upload or import writes a byte it
 * reserves its whole size against the store's free space, less what the other streams (of every
 * process sharing the store) still have to write and less PORTAL_STORE_MARGIN_MB. The margin keeps
 * room for SQLite and everything else on that file system; a stream that cannot fit is refused at
 * once instead of filling the disk for everyone. A reservation is renewed while its stream runs, so
 * a process that died holds nothing once its lease has lapsed.
 */

/** Refused for lack of space: HTTP 507 Insufficient Storage. */
export class StoreFullError extends UnavailableError {}

export type Reservation = { release: () => Promise<void> };

/**
 * Reserves `bytes` of this host's scratch directory (the store's own directory when it is local) for
 * the stream writing `tempFile`; throws when they do not fit. A stream that writes nothing here (into
 * the S3 store) reserves 0: its reservation still says the name is taken and by a live process.
 */
export async function reserveStoreSpace(tempFile: string, bytes: number, what: string): Promise<Reservation> {
  const { scratchDir, storeMarginBytes, jobsLeaseMs } = getConfig();
  fs.mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
  const id = newId();
  // Immediate: the check and the insert are one step for every process, so two cannot share free bytes.
  await getDb().transaction(
    async (tx) => {
      const at = now();
      const live = await tx.select().from(storeReservations).where(gt(storeReservations.leaseUntil, at));
      if (live.some((r) => r.tempFile === tempFile))
        throw new ConflictError(`${what} is already being written to the image store.`);
      const stillToCome = live.reduce((sum, r) => sum + Math.max(0, r.bytes - sizeIn(scratchDir, r.tempFile)), 0);
      const stats = fs.statfsSync(scratchDir);
      const usable = stats.bavail * stats.bsize - stillToCome - storeMarginBytes;
      if (bytes > 0 && usable < bytes) {
        throw new StoreFullError(
          `The portal's image store has ${formatBytes(stats.bavail * stats.bsize)} free, of which ${formatBytes(stillToCome)} are held ` +
            `for other uploads and imports and ${formatBytes(storeMarginBytes)} are kept free; it cannot take ${what} ` +
            `(${formatBytes(bytes)}). Free some space and try again.`,
        );
      }
      await tx.delete(storeReservations).where(eq(storeReservations.tempFile, tempFile));
      await tx.insert(storeReservations).values({
        id,
        tempFile,
        bytes,
        owner: jobOwnerId(),
        leaseUntil: new Date(at.getTime() + jobsLeaseMs),
        createdAt: at,
      });
    },
    { behavior: 'immediate' },
  );
  const renew = setInterval(
    () =>
      void getDb()
        .update(storeReservations)
        .set({ leaseUntil: new Date(now().getTime() + jobsLeaseMs) })
        .where(eq(storeReservations.id, id))
        .catch((err) => console.error(`[portal] could not renew the store reservation for ${tempFile}:`, err)),
    Math.max(250, jobsLeaseMs / 3),
  );
  renew.unref();
  return {
    release: async () => {
      clearInterval(renew);
      await getDb().delete(storeReservations).where(eq(storeReservations.id, id));
    },
  };
}

function sizeIn(dir: string, file: string): number {
  try {
    return fs.statSync(path.join(dir, file)).size;
  } catch {
    return 0;
  }
}

/** Whether a live process is writing this temporary file now. */
export async function isTempFileHeld(tempFile: string): Promise<boolean> {
  const held = await firstRow(
    getDb()
      .select({ id: storeReservations.id })
      .from(storeReservations)
      .where(and(eq(storeReservations.tempFile, tempFile), gt(storeReservations.leaseUntil, now()))),
  );
  return held !== undefined;
}

/** Drops reservations whose process stopped renewing them. */
export async function dropLapsedReservations(): Promise<void> {
  await getDb().delete(storeReservations).where(lte(storeReservations.leaseUntil, now()));
}
