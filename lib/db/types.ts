import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import type * as schema from './schema';

/**
 * The database handle, apart from the code that opens it, so data migrations can take one without a
 * cycle. Every query is awaited: on SQLite it runs through lib/db/sqlite-connection.ts, on
 * PostgreSQL the handle is node-postgres's, typed as this one (lib/db/client.ts).
 */
export type Db = SqliteRemoteDatabase<typeof schema>;
/** The handle inside `db.transaction(async (tx) => …)`, for helpers that must join the caller's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
