import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(__dirname),
  'server-only': path.resolve(__dirname, 'test/support/empty.ts'),
};

const integration = {
  include: ['test/integration/**/*.test.ts'],
  environment: 'node',
  setupFiles: ['test/support/isolated-data-dir.ts'],
  // Real sshd nodes and downloads take a moment; files run one at a time on 2 cores.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  fileParallelism: false,
};

/** Integration tests about SQLite itself, which the PostgreSQL lane does not run. */
const SQLITE_ONLY = [
  'test/integration/sqlite-turns.test.ts',
  'test/integration/database-copy.test.ts',
  'test/integration/job-claims-postgres.test.ts',
  'test/integration/seed-large.test.ts',
  'test/integration/*-migration.test.ts',
  'test/integration/job-final-write.test.ts',
];

/** Integration tests of what only PostgreSQL serves, which the SQLite run does not run. */
const POSTGRES_ONLY = ['test/integration/scale.test.ts', 'test/integration/job-wakeups.test.ts'];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: { name: 'integration', ...integration, exclude: POSTGRES_ONLY },
      },
      {
        // The same suite on PostgreSQL: each file gets a database of its own on one private
        // cluster. Left out: what is about SQLite itself (its files, its migrations, its turns).
        resolve: { alias },
        test: {
          name: 'integration-pg',
          ...integration,
          exclude: SQLITE_ONLY,
          globalSetup: ['test/support/postgres-lane.ts'],
        },
      },
    ],
  },
});
