/**
 * The database the e2e portal runs on. SQLite in its data directory, unless E2E_DATABASE=postgres:
 * then a private PostgreSQL cluster, migrated by `npm run db:migrate` as an operator would before
 * starting the portal (docs/deployment.md). `npm test` runs a few specs this way.
 */
import { execFileSync } from 'node:child_process';
import { startPostgres, type PostgresService } from '../../scripts/lib/services/postgres';
import { E2E_LANE } from './lane';

export type E2eDatabase = { url?: string; service?: PostgresService };

export function e2eUsesPostgres(): boolean {
  return process.env.E2E_DATABASE === 'postgres';
}

export async function startE2eDatabase(): Promise<E2eDatabase> {
  if (!e2eUsesPostgres()) return {};
  const service = await startPostgres({ host: E2E_LANE.postgresHost });
  const url = await service.createDatabase('portal_e2e');
  execFileSync('npm', ['run', '--silent', 'db:migrate'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'inherit',
  });
  return { url, service };
}
