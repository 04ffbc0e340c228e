/**
 * The integration suite's PostgreSQL lane (vitest project `integration-pg`): one private cluster
 * for the whole run. Each test file gets a database of its own from it
 * (test/support/isolated-data-dir.ts), migrated as `npm run db:migrate` would.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from '@/scripts/lib/services/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://…/postgres on the lane's cluster, for making each file's database. */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startPostgres({ host: '127.0.0.221' });
  const adminUrl = await cluster.createDatabase('lane');
  project.provide('postgresAdminUrl', adminUrl);
  return () => cluster.stop();
}
