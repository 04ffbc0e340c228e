/**
 * `npm run db:migrate`: applies the migrations the database named by DATABASE_URL (or the SQLite
 * file in PORTAL_DATA_DIR) does not have yet, and says how many it applied. A portal process does
 * this itself on start-up with SQLite; PostgreSQL is migrated by this command only, once per
 * upgrade, before the new version's processes start (docs/deployment.md).
 */
import { errorMessage } from '../lib/errors';
import { redactUrlCredentials } from '../lib/format';

async function main() {
  // Imported here, so a configuration error is reported like any other failure below.
  const { getConfig } = await import('../lib/config');
  const { database } = getConfig();
  if (database.dialect === 'postgres') {
    const { migratePostgres, openPostgres } = await import('../lib/db/postgres');
    const db = openPostgres(database.url);
    try {
      const { applied, total } = await migratePostgres(db);
      console.log(
        `PostgreSQL ${redactUrlCredentials(database.url)}: applied ${applied} migration(s); it has ${total}.`,
      );
    } finally {
      await db.$client.end();
    }
    return;
  }
  const { closeAllDatabases, rawRows } = await import('../lib/db/client');
  const { sql } = await import('drizzle-orm');
  // Opening the database migrates it (lib/db/client.ts).
  const [{ n }] = (await rawRows<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`)) as [
    { n: number },
  ];
  await closeAllDatabases();
  console.log(`SQLite ${database.file}: migrated; it has ${n} migration(s).`);
}

main().catch((err) => {
  console.error(`The database was not migrated: ${errorMessage(err)}`);
  process.exit(1);
});
