import 'server-only';

/**
 * Writes that must not be lost to a briefly locked database. The connection already waits out
 * short locks (busy_timeout); a lock held longer than that surfaces as SQLITE_BUSY, and a write
 * such as a job's final status must then wait and try again rather than leave the row behind.
 */

const FIRST_WAIT_MS = 100;
const LONGEST_WAIT_MS = 2000;
const GIVE_UP_AFTER_MS = 5 * 60_000;

/** Whether the error, or what caused it (drizzle wraps the driver's error), is SQLite's SQLITE_BUSY. */
export function isBusyError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | null; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

export async function retryWhileBusy<T>(write: () => T | Promise<T>, what: string): Promise<T> {
  const started = Date.now();
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    try {
      return await write();
    } catch (err) {
      if (!isBusyError(err) || Date.now() - started > GIVE_UP_AFTER_MS) throw err;
      console.warn(`[portal] The database is locked; trying again to record ${what} in ${wait} ms.`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
