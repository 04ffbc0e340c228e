import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rawExecute } from '@/lib/db/client';
import { announceJobChange, listenForJobChanges } from '@/lib/jobs/wakeups';

/**
 * On PostgreSQL the runners of every process hear of a job change through LISTEN/NOTIFY (the lane
 * runs this file; SQLite has one process and nothing to listen to). Each listener holds a
 * connection of its own, so "another process" here is simply another connection.
 */
describe('waking the job runners of other processes on PostgreSQL', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  /** A listener, once its connection is open: the first call catches up on what it missed. */
  async function listening() {
    const heard = { count: 0 };
    stop = listenForJobChanges(() => heard.count++);
    await vi.waitFor(() => expect(heard.count).toBe(1), { timeout: 10_000 });
    return heard;
  }

  it('hears each change another connection announces, once it commits', async () => {
    const heard = await listening();
    announceJobChange();
    await vi.waitFor(() => expect(heard.count).toBe(2), { timeout: 10_000 });
    announceJobChange();
    await vi.waitFor(() => expect(heard.count).toBe(3), { timeout: 10_000 });
  });

  it('opens its connection again when the server drops it, and catches up', async () => {
    const heard = await listening();
    await rawExecute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN%' and pid <> pg_backend_pid()`,
    );
    // The catch-up call of the new connection.
    await vi.waitFor(() => expect(heard.count).toBe(2), { timeout: 15_000 });
    announceJobChange();
    await vi.waitFor(() => expect(heard.count).toBe(3), { timeout: 10_000 });
  });

  it('hears nothing more once stopped', async () => {
    const heard = await listening();
    stop!();
    stop = undefined;
    // A listener still there would hear this before the one that follows it is heard below.
    announceJobChange();
    const other = await listening();
    announceJobChange();
    await vi.waitFor(() => expect(other.count).toBe(2), { timeout: 10_000 });
    expect(heard.count).toBe(1);
  });
});
