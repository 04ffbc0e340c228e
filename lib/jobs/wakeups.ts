import 'server-only';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { getConfig } from '@/lib/config';
import { rawExecute } from '@/lib/db/client';
import { usesPostgres } from '@/lib/db/tables';

/**
 * Waking the job runners of every process when a job may start: one was queued, or one ended and
 * freed its place under the limits. On PostgreSQL a NOTIFY on one channel reaches every runner,
 * each listening on a connection of its own, so a worker starts what a web process queued at once
 * rather than at its next poll. The poll stays (lib/jobs/runner.ts), for a notification lost with
 * its connection. With SQLite there is one process, whose runner is kicked directly.
 */

const CHANNEL = 'portal_jobs';
const RECONNECT_MS = 2000;

/** Tells the runners of the other processes to look for jobs now (PostgreSQL; nothing on SQLite). */
export function announceJobChange(): void {
  if (!usesPostgres) return;
  rawExecute(sql`select pg_notify(${CHANNEL}, '')`).catch((err: Error) =>
    console.warn(
      `[portal] Could not tell the other processes about a job: ${err.message}. They will see it at their next poll.`,
    ),
  );
}

/**
 * Calls `onChange` whenever a process announces a job change, and once each time the listening
 * connection opens (to catch up on what it may have missed while it was down); the connection is
 * opened again after a loss. Returns how to stop. Nothing to listen to on SQLite.
 */
export function listenForJobChanges(onChange: () => void): () => void {
  const { database } = getConfig();
  if (database.dialect !== 'postgres') return () => {};
  let stopped = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const reconnectLater = (lost: Client, why: string) => {
    if (stopped || client !== lost) return;
    client = undefined;
    lost.end().catch(() => {});
    console.warn(`[portal] Lost the job notifications connection (${why}); opening it again.`);
    retry = setTimeout(() => void connect(), RECONNECT_MS);
    retry.unref();
  };
  const connect = async () => {
    const connection = new Client({ connectionString: database.url });
    client = connection;
    connection.on('notification', () => {
      if (!stopped) onChange();
    });
    connection.on('error', (err) => reconnectLater(connection, err.message));
    connection.on('end', () => reconnectLater(connection, 'closed by the server'));
    try {
      await connection.connect();
      await connection.query(`LISTEN ${CHANNEL}`);
      if (!stopped) onChange();
    } catch (err) {
      reconnectLater(connection, (err as Error).message);
    }
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    client?.end().catch(() => {});
    client = undefined;
  };
}
