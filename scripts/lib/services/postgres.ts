/**
 * A private PostgreSQL cluster for tests and benchmarks (Debian's `postgresql` package): `initdb`
 * in a temporary directory, the server listening on a loopback address and a high port and on a
 * unix socket in that directory, trust authentication, and no system service. PostgreSQL refuses
 * to run as root, so as root the cluster belongs to the `postgres` user the package creates.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../ports';
import { run, spawnService, stopService } from './glance';

export type PostgresService = {
  /** postgres://portal@host:port/<name>, a database of its own made by `createDatabase`. */
  createDatabase(name: string): Promise<string>;
  logFile: string;
  stop(): Promise<void>;
};

/** The directory of the newest PostgreSQL the package installed (/usr/lib/postgresql/<version>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => path.join(root, v, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'initdb')));
  if (!bin) {
    throw new Error('PostgreSQL is missing: install it with "apt-get install -y postgresql" (npm test does this).');
  }
  return bin;
}

/**
 * As root, the command runs as `postgres` (setpriv); otherwise as the current user. Changing user
 * clears the parent-death signal spawnService asked for, so it is asked for again after the change.
 */
function asClusterOwner(program: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, args];
  const as = ['--reuid=postgres', '--regid=postgres', '--clear-groups', '--pdeathsig', 'KILL'];
  return ['/usr/bin/setpriv', [...as, '--', program, ...args]];
}

export async function startPostgres(options: { host: string }): Promise<PostgresService> {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-postgres-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  fs.writeFileSync(logFile, '');
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);

  await run(
    ...asClusterOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'portal', '--auth=trust', '-E', 'UTF8']),
    logFile,
  );
  const port = await freePort(options.host);
  const server = spawnService(
    ...asClusterOwner(path.join(bin, 'postgres'), [
      ...['-D', data, '-h', options.host, '-p', String(port), '-k', dir],
      // A test database: durability is not what is tested, and fsync would only slow it down.
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ]),
    logFile,
  );
  const url = (name: string) => `postgres://portal@${options.host}:${port}/${name}`;
  await waitForConnections(url('postgres'), server, logFile);

  return {
    logFile,
    async createDatabase(name) {
      await withClient(url('postgres'), (client) => client.query(`create database "${name.replace(/"/g, '')}"`));
      return url(name);
    },
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
      server.kill('SIGINT');
      await stopService(server);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function withClient<T>(url: string, query: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

async function waitForConnections(url: string, server: ReturnType<typeof spawnService>, logFile: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    const ready = await withClient(url, async () => true).catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s (log: ${logFile})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
