/**
 * The world the e2e specs run in: a built portal on a fresh data directory, one real sshd node and
 * a loopback mirror serving a real qcow2. It writes what the specs need to know to a fixture file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeQcow2 } from '../../scripts/lib/fixture-image';
import { startMirror } from '../../scripts/lib/mirror';
import { SshNode } from '../../scripts/lib/sshd-node';
import { startUpstreamPortal } from '../../scripts/lib/upstream-portal';
import { type E2eFixture } from './fixture';
import { seedAvailabilityWorld } from './seed';

async function main() {
  const port = process.env.E2E_PORT ?? '3210';
  const fixtureFile = process.env.E2E_FIXTURE_FILE!;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-e2e-'));
  fs.chmodSync(work, 0o755); // the node's directory below it must be reachable by the node user
  const mirrorDir = path.join(work, 'mirror');
  fs.mkdirSync(mirrorDir);
  const image = makeQcow2(path.join(mirrorDir, 'cirros-e2e.qcow2'), 64, 24);
  const mirror = await startMirror(mirrorDir);
  const node = await SshNode.start({ host: '127.0.0.51', baseDir: path.join(work, 'node') });
  const rotterdam = [
    await SshNode.start({ host: '127.0.0.52', baseDir: path.join(work, 'node-a') }),
    await SshNode.start({ host: '127.0.0.53', baseDir: path.join(work, 'node-b') }),
  ];
  // Another portal, with its own database and store, whose IMGAPI the repository spec imports from.
  const portalA = await startUpstreamPortal('127.0.0.104', [
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
  process.env.PORTAL_DATA_DIR = path.join(work, 'data');
  // Slow enough (8 MiB/s) that the availability page shows the installs under way.
  const availability = await seedAvailabilityWorld(rotterdam, {
    url: `${mirror.url('cirros-e2e.qcow2')}?rate=${8 * 1024 * 1024}`,
    sha256: image.sha256,
  });

  const fixture: E2eFixture = {
    node: {
      host: node.host,
      port: node.port,
      user: node.user,
      privateKey: node.privateKey,
      imageDir: node.imageDir,
      fingerprint: node.hostKeyFingerprint,
    },
    image: { url: mirror.url('cirros-e2e.qcow2'), sha256: image.sha256, sizeBytes: image.sizeBytes },
    availability,
    repository: { url: portalA.url, imageId: portalA.images[0]!.id, name: 'imported-e2e' },
  };
  fs.mkdirSync(path.dirname(fixtureFile), { recursive: true });
  fs.writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));

  const portal = spawn(path.join('node_modules', '.bin', 'next'), ['start', '-H', '127.0.0.1', '-p', port], {
    stdio: 'inherit',
    env: {
      ...process.env,
      PORTAL_DATA_DIR: path.join(work, 'data'),
      // The repository spec imports from the upstream portal on loopback, which the portal otherwise refuses.
      PORTAL_OUTBOUND_ALLOW: '127.0.0.0/8',
      // The repository spec also reads this portal's own IMGAPI.
      PORTAL_IMGAPI_SERVE: 'true',
    },
  });

  // Synchronous on purpose: the test runner may not wait long after its signal. Exiting kills the
  // sshd node (SshNode's exit hook); the portal gets its own signal.
  const shutdown = (code: number) => {
    portal.kill('SIGTERM');
    portalA.kill();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  portal.on('exit', (code) => shutdown(code ?? 1));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
