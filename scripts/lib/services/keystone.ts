/**
 * A real OpenStack Identity service (Debian's keystone) for tests: its configuration, SQLite
 * database and Fernet key repositories in a temporary directory, bootstrapped with an `admin` user
 * and project, served by keystone-wsgi-public (wsgiref, one process) on a loopback address.
 * Services, endpoints and application credentials are made through Keystone's own REST API.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../ports';
import { assertInstalled, run, spawnService, stopService, enableWriteAheadLog, waitForHttp } from './glance';

const KEYSTONE_MANAGE = '/usr/bin/keystone-manage';
const KEYSTONE_WSGI_PUBLIC = '/usr/bin/keystone-wsgi-public';

export type KeystoneService = {
  /** The v3 endpoint: http://127.0.0.x:port/v3 */
  authUrl: string;
  adminPassword: string;
  username: 'admin';
  project: 'admin';
  domain: 'Default';
  logFile: string;
  /** Puts the Image service in the catalogue: public, internal and admin endpoints at `glanceUrl`. */
  registerImageService(glanceUrl: string, region?: string): Promise<void>;
  /** A new application credential of the admin user, on the admin project. */
  createApplicationCredential(name: string): Promise<{ id: string; secret: string }>;
  stop(): Promise<void>;
};

export async function startKeystone(options: { host: string }): Promise<KeystoneService> {
  assertInstalled(KEYSTONE_MANAGE, 'keystone');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-keystone-'));
  const port = await freePort(options.host);
  const authUrl = `http://${options.host}:${port}/v3`;
  const conf = path.join(dir, 'keystone.conf');
  const logFile = path.join(dir, 'keystone.log');
  fs.writeFileSync(conf, keystoneConf(dir, logFile));
  // Hex: argparse would take a password starting with "-" for an option.
  const adminPassword = crypto.randomBytes(12).toString('hex');

  const manage = (...args: string[]) => run(KEYSTONE_MANAGE, ['--config-file', conf, ...args], logFile);
  // Each keystone-manage run spends seconds importing; the three touch different things, so at once.
  // As root, both key repositories belong to root: the wsgi server below runs as root too.
  await Promise.all([
    manage('db_sync').then(() => enableWriteAheadLog(path.join(dir, 'keystone.sqlite'), logFile)),
    manage('fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root'),
    manage('credential_setup', '--keystone-user', 'root', '--keystone-group', 'root'),
  ]);
  await manage(
    'bootstrap',
    ...['--bootstrap-password', adminPassword],
    ...['--bootstrap-admin-url', authUrl, '--bootstrap-public-url', authUrl, '--bootstrap-internal-url', authUrl],
    ...['--bootstrap-region-id', 'RegionOne'],
  );

  // keystone-wsgi-public takes its own --host/--port; the configuration comes from the environment
  // (keystone.server.flask.core._get_config_files), since everything after "--" goes to oslo.config.
  const daemon = spawnService(KEYSTONE_WSGI_PUBLIC, ['--host', options.host, '--port', String(port)], logFile, {
    OS_KEYSTONE_CONFIG_FILES: conf,
  });
  await waitForHttp(authUrl, daemon, logFile);

  const admin = () => adminToken(authUrl, adminPassword);
  return {
    authUrl,
    adminPassword,
    username: 'admin',
    project: 'admin',
    domain: 'Default',
    logFile,
    async registerImageService(glanceUrl, region = 'RegionOne') {
      const { token } = await admin();
      if (region !== 'RegionOne') await call('POST', `${authUrl}/regions`, token, { region: { id: region } });
      const service = await call('POST', `${authUrl}/services`, token, {
        service: { type: 'image', name: 'glance', enabled: true },
      });
      const serviceId = (service.service as { id: string }).id;
      for (const iface of ['public', 'internal', 'admin']) {
        await call('POST', `${authUrl}/endpoints`, token, {
          endpoint: { service_id: serviceId, interface: iface, region_id: region, url: glanceUrl, enabled: true },
        });
      }
    },
    async createApplicationCredential(name) {
      const { token, userId } = await admin();
      const body = await call('POST', `${authUrl}/users/${userId}/application_credentials`, token, {
        application_credential: { name },
      });
      const credential = body.application_credential as { id: string; secret: string };
      return { id: credential.id, secret: credential.secret };
    },
    stop: () => stopService(daemon),
  };
}

function keystoneConf(dir: string, logFile: string): string {
  return [
    '[DEFAULT]',
    `log_file = ${logFile}`,
    'use_stderr = false',
    '[database]',
    `connection = sqlite:///${path.join(dir, 'keystone.sqlite')}`,
    // Tokens and receipts share one repository; receipts would otherwise default to /etc/keystone/fernet-keys.
    '[fernet_tokens]',
    `key_repository = ${path.join(dir, 'fernet-keys')}`,
    '[fernet_receipts]',
    `key_repository = ${path.join(dir, 'fernet-keys')}`,
    '[credential]',
    `key_repository = ${path.join(dir, 'credential-keys')}`,
    '[token]',
    'provider = fernet',
    // bcrypt's fewest rounds: every password login of the tests is otherwise a quarter second of CPU.
    '[identity]',
    'password_hash_rounds = 4',
    '',
  ].join('\n');
}

async function adminToken(authUrl: string, password: string): Promise<{ token: string; userId: string }> {
  const res = await request('POST', `${authUrl}/auth/tokens`, undefined, {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
      },
      scope: { project: { name: 'admin', domain: { name: 'Default' } } },
    },
  });
  const token = res.headers['x-subject-token'];
  if (res.status !== 201 || typeof token !== 'string')
    throw new Error(`Keystone admin login: ${res.status} ${res.text}`);
  const userId = (JSON.parse(res.text) as { token: { user: { id: string } } }).token.user.id;
  return { token, userId };
}

async function call(method: string, url: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(method, url, token, body);
  if (res.status < 200 || res.status > 299) throw new Error(`Keystone ${method} ${url}: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as Record<string, unknown>;
}

function request(
  method: string,
  url: string,
  token: string | undefined,
  body: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': payload.length,
          ...(token ? { 'x-auth-token': token } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
