/**
 * The shared world the e2e specs run in: a built portal on a fresh data directory, a loopback
 * mirror serving a real qcow2, and an upstream portal whose IMGAPI serves that qcow2. It holds no
 * spec's data: each test makes its own data centers, nodes (real sshd daemons it starts), images
 * and users through the JSON API (e2e/support/test.ts). What the specs need to know of this world
 * goes to a fixture file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeQcow2 } from '../../scripts/lib/fixture-image';
import { startMirror } from '../../scripts/lib/mirror';
import { startUpstreamPortal } from '../../scripts/lib/upstream-portal';
import { E2E_ADMIN, type E2eFixture } from './fixture';
import { startE2eDatabase } from './database';
import { E2E_LANE } from './lane';
import { nextStartArgs } from '../../scripts/lib/portal-process';

async function main() {
  const port = process.env.E2E_PORT ?? '3210';
  const fixtureFile = process.env.E2E_FIXTURE_FILE!;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-e2e-'));
  const mirrorDir = path.join(work, 'mirror');
  fs.mkdirSync(mirrorDir);
  const image = makeQcow2(path.join(mirrorDir, 'cirros-e2e.qcow2'), 64, 24);
  const mirror = await startMirror(mirrorDir);
  // Another portal, with its own database and store, whose IMGAPI the repository spec imports from.
  const portalA = await startUpstreamPortal(E2E_LANE.upstreamHost, [
    {
      file: path.join(mirrorDir, 'cirros-e2e.qcow2'),
      name: 'imported-e2e',
      version: '2.0',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      minRamMb: 256,
    },
  ]);

  const dataDir = path.join(work, 'data');
  const database = await startE2eDatabase();
  const fixture: E2eFixture = {
    image: { url: mirror.url('cirros-e2e.qcow2'), sha256: image.sha256, sizeBytes: image.sizeBytes },
    repository: { url: portalA.url, imageId: portalA.images[0]!.id, name: 'imported-e2e' },
    dataDir,
    databaseUrl: database.url,
  };
  fs.mkdirSync(path.dirname(fixtureFile), { recursive: true });
  fs.writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));

  const portal = spawn(process.execPath, nextStartArgs('127.0.0.1', port), {
    stdio: 'inherit',
    env: {
      ...process.env,
      PORTAL_DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      // The portal creates its first SuperAdmin at start-up; the specs sign in as it.
      PORTAL_ADMIN_USER: E2E_ADMIN.username,
      PORTAL_ADMIN_PASSWORD: E2E_ADMIN.password,
      // The repository spec imports from the upstream portal on loopback, which the portal otherwise refuses.
      PORTAL_OUTBOUND_ALLOW: '127.0.0.0/8',
      // The repository spec also reads this portal's own IMGAPI.
      PORTAL_IMGAPI_SERVE: 'true',
    },
  });

  // Synchronous on purpose: the test runner may not wait long after its signal. The portal and the
  // upstream portal get their own signals; the mirror ends with this process.
  const shutdown = (code: number) => {
    portal.kill('SIGTERM');
    portalA.kill();
    fs.rmSync(work, { recursive: true, force: true });
    // PostgreSQL's fast shutdown takes well under a second; then its directory can go too.
    if (!database.service) process.exit(code);
    void database.service.stop().finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  portal.on('exit', (code) => shutdown(code ?? 1));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
