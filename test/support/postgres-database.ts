// A database of its own on the PostgreSQL lane's cluster, for a test file or a test that needs a
// portal nobody else has written to.
import crypto from 'node:crypto';
import { Client } from 'pg';
import { inject } from 'vitest';

/** On the PostgreSQL lane, a new migrated database and its URL. Otherwise '' (SQLite in the data directory). */
export async function newPostgresDatabase(): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  if (!adminUrl) return '';
  const name = `test_${crypto.randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  // Imported here, not above: the portal's modules pick their database when they load.
  const { openPostgres, migratePostgres } = await import('@/lib/db/postgres');
  const db = openPostgres(url);
  await migratePostgres(db);
  await db.$client.end();
  return url;
}
