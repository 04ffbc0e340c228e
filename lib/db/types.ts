import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema';

/** The database handle, apart from the code that opens it, so data migrations can take one without a cycle. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle inside `db.transaction((tx) => …)`, for helpers that must join the caller's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
