/**
 * `npm run db:copy -- --from <sqlite file> --to <postgres url>`: moves a portal's data from SQLite
 * to PostgreSQL. The target is migrated first and must be empty; every row is copied in one
 * transaction, committed only once each table's row count matches the source (lib/db/copy.ts).
 * Stop the portal's processes first, so that nothing changes the source meanwhile.
 */
import { parseArgs } from 'node:util';
import { errorMessage } from '../lib/errors';
import { redactUrlCredentials } from '../lib/format';

async function main() {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (!values.from || !values.to) throw new Error('Usage: npm run db:copy -- --from <sqlite file> --to <postgres url>');
  const { databaseLocation } = await import('../lib/config');
  const source = databaseLocation(values.from);
  const target = databaseLocation(values.to);
  if (source.dialect !== 'sqlite')
    throw new Error(`--from must be a SQLite file, not ${redactUrlCredentials(values.from)}.`);
  if (target.dialect !== 'postgres') throw new Error(`--to must be a postgres:// URL, not ${values.to}.`);

  const { copySqliteToPostgres, openSqliteSource } = await import('../lib/db/copy');
  const { migratePostgres, openPostgres } = await import('../lib/db/postgres');
  const from = openSqliteSource(source.file);
  const to = openPostgres(target.url);
  try {
    await migratePostgres(to);
    const counts = await copySqliteToPostgres(from, to);
    const width = Math.max(...counts.map((c) => c.table.length));
    for (const { table, rows } of counts) console.log(`${table.padEnd(width)}  ${rows}`);
    const total = counts.reduce((sum, c) => sum + c.rows, 0);
    console.log(
      `Copied ${total} rows from ${source.file} to ${redactUrlCredentials(target.url)}; every table's count matches.`,
    );
  } finally {
    from.$client.close();
    await to.$client.end();
  }
}

main().catch((err) => {
  console.error(`Nothing was copied: ${errorMessage(err)}`);
  process.exit(1);
});
