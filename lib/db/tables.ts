import { isPostgresUrl } from '@/lib/config';
import * as sqlite from './schema';
import * as postgres from './schema-pg';

/**
 * The tables the domain code queries, for the database this process uses: lib/db/schema.ts's on
 * SQLite, their PostgreSQL twins (lib/db/schema-pg.ts) when DATABASE_URL is a postgres:// URL.
 * Both have the same columns and the same JavaScript values (test/unit/schema-dialects.test.ts),
 * so queries are written once, against the SQLite types, and run on either.
 *
 * Decided when the module loads, from the environment as the process started; a process talks to
 * one database. (It cannot wait for getConfig(): that creates the data directory.)
 */
export const usesPostgres = isPostgresUrl(process.env.DATABASE_URL ?? '');

const selected = (usesPostgres ? postgres : sqlite) as unknown as typeof sqlite;

export const {
  users,
  roleGrants,
  apiTokens,
  loginFailures,
  dataCenters,
  credentials,
  nodes,
  sizes,
  sizeDataCenters,
  images,
  imageDataCenters,
  imageTags,
  storeFileHashes,
  nodeImages,
  machines,
  jobs,
  jobEvents,
  jobRunners,
  jobRunnerDataCenters,
  auditEvents,
  storeReservations,
  imageRepositories,
  cloudAccounts,
  publications,
} = selected;
