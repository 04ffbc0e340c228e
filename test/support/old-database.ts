/**
 * A database as an older version of the portal left it: every migration before `tag` applied, so a
 * test can put in the rows of that time and then watch the newer migrations treat them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

type Journal = { entries: { tag: string }[] };

const journalOf = (dialect: 'sqlite' | 'pg') =>
  JSON.parse(fs.readFileSync(`drizzle/${dialect}/meta/_journal.json`, 'utf8')) as Journal;

/** The migrations of a dialect there are now, oldest first. */
export function migrationTags(dialect: 'sqlite' | 'pg'): string[] {
  return journalOf(dialect).entries.map((e) => e.tag);
}

export function databaseBefore(tag: string) {
  const journal = journalOf('sqlite');
  const index = journal.entries.findIndex((e) => e.tag === tag);
  if (index < 1) throw new Error(`No migration ${tag} with one before it`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-migrations-'));
  fs.mkdirSync(path.join(dir, 'meta'));
  fs.writeFileSync(
    path.join(dir, 'meta', '_journal.json'),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }),
  );
  for (const entry of journal.entries.slice(0, index))
    fs.copyFileSync(`drizzle/sqlite/${entry.tag}.sql`, path.join(dir, `${entry.tag}.sql`));
  const sqlite = new Database(path.join(dir, 'old.db'));
  const db = drizzle({ client: sqlite });
  migrate(db, { migrationsFolder: dir });
  return {
    sqlite,
    /** Applies every migration there is now. */
    migrateToNow: () => migrate(db, { migrationsFolder: 'drizzle/sqlite' }),
    close: () => {
      sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
