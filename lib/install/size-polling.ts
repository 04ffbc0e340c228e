import 'server-only';
import type { SshSession } from '@/lib/ssh/session';
import * as remote from './remote';

const SIZE_POLL_MS = 1000;

/**
 * Follows a transfer the node writes itself by the size of its `.part`: wget prints no meter we
 * read, and a relayed copy none at all. No sample lands after `work` ends.
 */
export async function withSizePolling<T>(
  session: SshSession,
  part: string,
  onSize: (size: number) => void,
  work: () => Promise<T>,
): Promise<T> {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inFlight ??= remote
      .fileSize(session, part)
      .then(onSize)
      .catch(() => undefined) // a missed sample is harmless; the next one catches up
      .finally(() => (inFlight = undefined));
  }, SIZE_POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await inFlight;
  }
}
