/**
 * A real OpenStack Image service (Debian's glance-api) for tests: its own configuration, SQLite
 * database and file store in a temporary directory, on a loopback address and a free high port.
 * Without `keystone` it runs the paste pipeline without Keystone (any request is an admin's); with
 * it, keystonemiddleware checks every request's token against that Keystone, as in a real cloud.
 *
 * Debian's own glance-api service (systemd, port 9292) is never used: policy-rc.d keeps apt from
 * starting it in a container, and nothing here depends on it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports';

const GLANCE_API = '/usr/bin/glance-api';
const GLANCE_MANAGE = '/usr/bin/glance-manage';
const PASTE_INI = '/etc/glance/glance-api-paste.ini';

export type GlanceOptions = {
  /** A 127.0.0.0/8 address of its own (the OpenStack tests use 127.0.0.195–199). */
  host: string;
  /** Check tokens against this Keystone, as the `admin` user of its `admin` project. */
  keystone?: { authUrl: string; username: string; password: string; project: string; domain: string };
};

export type GlanceService = {
  /** The endpoint, without a version: http://127.0.0.x:port */
  url: string;
  /** Where Glance keeps image files, one file per image named by its id. */
  dataDir: string;
  /** Glance's own log, for a failing test to show. */
  logFile: string;
  stop(): Promise<void>;
};

export async function startGlance(options: GlanceOptions): Promise<GlanceService> {
  assertInstalled(GLANCE_API, 'glance-api');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-glance-'));
  const dataDir = path.join(dir, 'images');
  fs.mkdirSync(dataDir);
  const port = await freePort(options.host);
  const conf = path.join(dir, 'glance-api.conf');
  const logFile = path.join(dir, 'glance-api.log');
  fs.writeFileSync(conf, glanceConf({ dir, dataDir, logFile, host: options.host, port, keystone: options.keystone }));
  await run(GLANCE_MANAGE, ['--config-file', conf, 'db_sync'], logFile);
  await enableWriteAheadLog(path.join(dir, 'glance.sqlite'), logFile);

  const url = `http://${options.host}:${port}`;
  const daemon = spawnService(GLANCE_API, ['--config-file', conf], logFile);
  // Without Keystone the listing answers 200; with it, 401 until a token comes: either way Glance is up.
  await waitForHttp(`${url}/v2/images`, daemon, logFile);
  return { url, dataDir, logFile, stop: () => stopService(daemon) };
}

function glanceConf(o: {
  dir: string;
  dataDir: string;
  logFile: string;
  host: string;
  port: number;
  keystone: GlanceOptions['keystone'];
}): string {
  const k = o.keystone;
  const keystoneRoot = k?.authUrl.replace(/\/v3\/?$/, '');
  return [
    '[DEFAULT]',
    `bind_host = ${o.host}`,
    `bind_port = ${o.port}`,
    // One process: no forked workers to outlive the parent when a test run is killed.
    'workers = 0',
    `log_file = ${o.logFile}`,
    'use_stderr = false',
    // The default since Rocky, said out loud: uploads record os_hash_algo/os_hash_value and the MD5 checksum.
    'hashing_algorithm = sha512',
    // Interoperable import's staging area; unused by direct uploads, but kept out of /tmp/staging.
    `node_staging_uri = file://${path.join(o.dir, 'staging')}`,
    '[database]',
    `connection = sqlite:///${path.join(o.dir, 'glance.sqlite')}`,
    '[glance_store]',
    'stores = file',
    'default_store = file',
    `filesystem_store_datadir = ${o.dataDir}`,
    '[oslo_concurrency]',
    `lock_path = ${path.join(o.dir, 'lock')}`,
    '[paste_deploy]',
    // An empty flavor picks the pipeline without authtoken (unauthenticated-context); "keystone" the one with it.
    `flavor = ${k ? 'keystone' : ''}`,
    // With --config-file outside /etc/glance, Glance would look for the paste file beside it.
    `config_file = ${PASTE_INI}`,
    ...(k
      ? [
          '[keystone_authtoken]',
          `www_authenticate_uri = ${keystoneRoot}`,
          `auth_url = ${keystoneRoot}`,
          'auth_type = password',
          `username = ${k.username}`,
          `password = ${k.password}`,
          `project_name = ${k.project}`,
          `user_domain_name = ${k.domain}`,
          `project_domain_name = ${k.domain}`,
        ]
      : []),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Running the OpenStack daemons (shared with ./keystone.ts)

export function assertInstalled(program: string, pkg: string): void {
  if (!fs.existsSync(program)) {
    throw new Error(
      `${program} is missing: install it with "apt-get install -y ${pkg}" (npm test does this when run as root).`,
    );
  }
}

/** Runs a setup command to its end; its output goes to the service's log, quoted in the error if it fails. */
export async function run(program: string, args: string[], logFile: string, env?: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(program, args, {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    fs.appendFileSync(logFile, `$ ${program} ${args.join(' ')}\n${stdout}${stderr}`);
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    fs.appendFileSync(logFile, `$ ${program} ${args.join(' ')}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error(`${path.basename(program)} ${args.join(' ')} failed: ${tail(e.stderr || e.message)}`);
  }
}

/**
 * Puts an SQLite database in WAL mode (it stays so). In the default rollback journal a connection
 * the service left in an open read transaction makes its next write fail with "database is locked"
 * (Keystone did so creating its second endpoint); under WAL readers never block the writer.
 */
export async function enableWriteAheadLog(database: string, logFile: string): Promise<void> {
  const script =
    'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma journal_mode=wal").fetchone()[0])';
  await run('/usr/bin/python3', ['-c', script, database], logFile);
}

/** Starts a daemon in the foreground, its output appended to `logFile`; killed when this process exits. */
export function spawnService(program: string, args: string[], logFile: string, env?: Record<string, string>) {
  const out = fs.openSync(logFile, 'a');
  // setpriv (util-linux) asks the kernel to kill the daemon when its parent dies: a test worker that
  // is killed, or a hook that fails half-way, would otherwise leave it running with its port taken.
  const child = spawn('/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', program, ...args], {
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  fs.closeSync(out);
  // Never leave a daemon behind when the script that started it ends, however it ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return child;
}

export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // eventlet and wsgiref servers stop at once on SIGTERM; a hung one gets no second chance.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `url` answers with any HTTP status; fails when the daemon exits or takes over a minute. */
export async function waitForHttp(url: string, child: ChildProcess, logFile: string): Promise<void> {
  // Python daemons import for seconds before they listen, longer on a busy 2-core machine.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${url}: the daemon exited (${child.exitCode}): ${tail(readLog(logFile))}`);
    const answered = await new Promise<boolean>((resolve) => {
      const req = http.get(url, { timeout: 2_000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.once('timeout', () => req.destroy());
      req.once('error', () => resolve(false));
    });
    if (answered) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopService(child);
  throw new Error(`${url} did not answer within 90 s: ${tail(readLog(logFile))}`);
}

function readLog(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-15).join('\n');
}
