// Each integration test file gets its own scratch root: its data directory (database, secret, image
// store) and, through TMPDIR, every temporary directory the test makes (mirrors, sshd nodes).
// The root is removed when the file's tests are done.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { newPostgresDatabase } from './postgres-database';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-test-'));
// Traversable, so the sshd node user can reach its own directories below it.
fs.chmodSync(root, 0o755);
process.env.TMPDIR = root;
process.env.PORTAL_DATA_DIR = path.join(root, 'data');
// The PostgreSQL lane gives each file a database of its own; otherwise SQLite in the data directory.
process.env.DATABASE_URL = await newPostgresDatabase();
if (!process.env.DATABASE_URL) delete process.env.DATABASE_URL;
delete process.env.AUTH_SECRET;
// Retries of transient failures wait a moment, not the production backoff.
process.env.PORTAL_JOBS_RETRY_DELAY_S = '0.2';
// The repositories and checksum servers the tests fetch from listen on loopback, which the portal otherwise refuses.
process.env.PORTAL_OUTBOUND_ALLOW = '127.0.0.0/8';
// Serving IMGAPI is a choice an operator makes; the tests make it, and turn it off where that is the subject.
process.env.PORTAL_IMGAPI_SERVE = 'true';
// Jobs of a process that died are taken over once their lease expires: seconds here, not the default half minute.
process.env.PORTAL_JOBS_LEASE_S = '3';
// A compressed import reserves this much of the store unless its manifest declares the disk's size.
process.env.PORTAL_IMPORT_MAX_GB = '1';

afterAll(async () => {
  // Imported here, not above: the portal's modules pick their database when they load.
  const { closeAllDatabases } = await import('@/lib/db/client');
  await closeAllDatabases();
  fs.rmSync(root, { recursive: true, force: true });
});
