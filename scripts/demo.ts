import { firstRow } from '@/lib/db/client';
/**
 * `npm run demo` (after scripts/demo.sh has installed and built): seeds a demo data center whose two
 * nodes are real local sshd instances, an image served from a local mirror (pull), an image in the
 * portal's own store (push), one finished install, and an upstream IMGAPI repository to import
 * from; then serves the portal. Re-running reuses the same data, keys and ports.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { ensureFirstAdmin, getUserContext } from '../lib/auth/users';
import { getConfig } from '../lib/config';
import { closeAllDatabases, getDb } from '../lib/db/client';
import { dataCenters, images, nodeImages, nodes, users } from '../lib/db/tables';
import { createImage } from '../lib/images/operations';
import { attachAndInstall } from '../lib/install/operations';
import { getJobRunner } from '../lib/jobs/runner';
import { createDataCenter } from '../lib/locations/operations';
import { uploadImageFile } from '../lib/store/upload';
import { makeQcow2 } from './lib/fixture-image';
import { startMirror } from './lib/mirror';
import { startDemoUpstream } from './lib/demo-upstream';
import { registerSshNode, runOk } from './lib/portal-seed';
import { SshNode } from './lib/sshd-node';
import type { UserContext } from '../lib/auth/policy';
import { nextStartArgs } from './lib/portal-process';

const DEMO_NODES = [
  { name: 'demo-node-1', host: '127.0.0.2', port: 2201 },
  { name: 'demo-node-2', host: '127.0.0.3', port: 2202 },
];
const MIRROR = { host: '127.0.0.1', port: 8099 };
/**
 * The demo nodes' own disks: host keys, client keys, image directories. Outside the portal's data
 * directory, which is private to the portal (0700) while the node user must reach its files, and
 * persistent, so the host keys the portal pinned stay valid across runs.
 */
const NODES_DIR = process.env.PORTAL_DEMO_NODES_DIR ?? '/var/lib/cloud-broker-demo';
const IMAGE_NAME = 'cirros-demo';
const STORE_IMAGE_NAME = 'alpine-demo-uploaded';

async function main() {
  // The demo's repository is the upstream portal on loopback, refreshed here and browsed from the portal
  // started below; both need the setting before their first request. A value the user set wins.
  process.env.PORTAL_OUTBOUND_ALLOW ??= '127.0.0.0/8';
  // The demo shows this portal's own IMGAPI repository too (Repositories says where).
  process.env.PORTAL_IMGAPI_SERVE ??= 'true';
  const config = getConfig();
  const login = {
    username: process.env.PORTAL_ADMIN_USER ?? 'admin',
    password: process.env.PORTAL_ADMIN_PASSWORD ?? 'demo-admin-password',
  };
  await ensureFirstAdmin({ adminUser: login.username, adminPassword: login.password });
  const admin = await superAdmin(login.username);
  const demoDir = path.join(config.dataDir, 'demo');

  const mirrorDir = path.join(demoDir, 'mirror');
  fs.mkdirSync(mirrorDir, { recursive: true });
  const image = makeQcow2(path.join(mirrorDir, `${IMAGE_NAME}.qcow2`), 256, 48);
  const mirror = await startMirror(mirrorDir, MIRROR.host, MIRROR.port);

  const dataCenterId = await ensureDataCenter(admin);
  const sshNodes = await startDemoNodes();
  for (const [i, node] of sshNodes.entries()) await ensureNode(admin, dataCenterId, node, DEMO_NODES[i]!.name);
  const imageId = await ensureImage(admin, mirror.url(`${IMAGE_NAME}.qcow2`), image.sha256);
  await ensureStoreImage(admin, makeQcow2(path.join(demoDir, `${STORE_IMAGE_NAME}.qcow2`), 128, 32).file);
  if (sshNodes.length > 0) await ensureInstalledOnFirstNode(admin, imageId, dataCenterId);
  const upstream = await startDemoUpstream(admin, demoDir);
  await closeAllDatabases();

  const host = demoListenHost();
  const portal = spawn(process.execPath, nextStartArgs(host, config.port), {
    stdio: 'inherit',
    env: process.env,
  });
  console.log(
    `\n  Cloud Broker Portal demo: http://localhost:${config.port} (listening on ${host} only; HOSTNAME=0.0.0.0 opens it to the network)\n` +
      `  Sign in as "${login.username}" with password "${login.password}" (set on first run; yours if you changed it).\n` +
      `  ${sshNodes.length} demo node(s) on ${DEMO_NODES.map((n) => `${n.host}:${n.port}`).join(', ')}; image mirror on http://${MIRROR.host}:${MIRROR.port}/.\n` +
      `  An upstream IMGAPI repository on ${upstream.url} ("Demo upstream" under Repositories); this portal's own is /imgapi.\n` +
      '  Press Ctrl-C to stop everything.\n',
  );
  const stop = async (code: number) => {
    portal.kill('SIGTERM');
    await Promise.allSettled([...sshNodes.map((n) => n.stop()), mirror.close(), upstream.stop()]);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  portal.on('exit', (code) => void stop(code ?? 1));
}

/**
 * Loopback unless HOSTNAME names another address: the demo's admin password is well known. A
 * HOSTNAME that is just this machine's name (as containers set it) is not a choice to listen wider.
 */
function demoListenHost(): string {
  const chosen = process.env.HOSTNAME?.trim();
  return chosen && chosen !== os.hostname() ? chosen : '127.0.0.1';
}

async function superAdmin(preferred: string): Promise<UserContext> {
  const db = getDb();
  const row =
    (await firstRow(
      db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.username, preferred), eq(users.isSuperAdmin, true))),
    )) ?? (await firstRow(db.select({ id: users.id }).from(users).where(eq(users.isSuperAdmin, true))));
  const user = row && (await getUserContext(row.id));
  if (!user) throw new Error('The database has no enabled SuperAdmin to seed the demo with.');
  return user;
}

async function ensureDataCenter(admin: UserContext): Promise<string> {
  const existing = await firstRow(
    getDb().select({ id: dataCenters.id }).from(dataCenters).where(eq(dataCenters.code, 'demo')),
  );
  if (existing) return existing.id;
  const input = {
    code: 'demo',
    name: 'Demo data center',
    description: 'Two local sshd nodes started by npm run demo.',
  };
  return (await runOk(createDataCenter, input, admin)).id;
}

/** Real sshd nodes need root (sshd's privilege separation and a dedicated node user). */
async function startDemoNodes(): Promise<SshNode[]> {
  if (process.getuid?.() !== 0) {
    console.warn(
      '\n  Not running as root: the demo nodes (real sshd on 127.0.0.x) are skipped. Run npm run demo as root to get them.\n',
    );
    return [];
  }
  return Promise.all(
    DEMO_NODES.map((n) => SshNode.start({ host: n.host, port: n.port, baseDir: path.join(NODES_DIR, n.name) })),
  );
}

async function ensureNode(admin: UserContext, dataCenterId: string, node: SshNode, name: string) {
  const existing = await firstRow(
    getDb()
      .select({ id: nodes.id })
      .from(nodes)
      .where(and(eq(nodes.dataCenterId, dataCenterId), eq(nodes.name, name))),
  );
  if (!existing) await registerSshNode(admin, dataCenterId, node, name);
}

async function ensureImage(admin: UserContext, sourceUrl: string, sha256: string): Promise<string> {
  const existing = await firstRow(getDb().select({ id: images.id }).from(images).where(eq(images.name, IMAGE_NAME)));
  if (existing) return existing.id;
  const input = {
    name: IMAGE_NAME,
    alias: 'cirros',
    version: '0.6.2',
    description: 'A small qcow2 served by the demo mirror.',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    minDiskGb: '1',
    sourceUrl,
    sha256,
    // Shared, so the demo's own IMGAPI serves it and ImageAdmins can attach it.
    access: 'public',
  };
  return (await runOk(createImage, input, admin)).id;
}

/** An image whose file lives in the portal's store, as a browser upload leaves it: installs push it over SFTP. */
async function ensureStoreImage(admin: UserContext, file: string) {
  if (await firstRow(getDb().select({ id: images.id }).from(images).where(eq(images.name, STORE_IMAGE_NAME)))) return;
  const input = {
    name: STORE_IMAGE_NAME,
    version: '3.20',
    description: 'Uploaded into the portal store; installs push it over SFTP.',
    access: 'public',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    source: 'upload',
  };
  const { id } = await runOk(createImage, input, admin);
  const outcome = await uploadImageFile(admin, id, {
    body: fs.createReadStream(file),
    contentLength: fs.statSync(file).size,
    contentType: 'application/octet-stream',
  });
  if (!outcome.ok) throw new Error(`Could not seed ${STORE_IMAGE_NAME}: ${outcome.error}`);
}

/** One finished install, so the demo shows a verified image and a job log from the start. */
async function ensureInstalledOnFirstNode(admin: UserContext, imageId: string, dataCenterId: string) {
  const first = await firstRow(
    getDb()
      .select()
      .from(nodes)
      .where(and(eq(nodes.dataCenterId, dataCenterId), eq(nodes.name, DEMO_NODES[0]!.name))),
  );
  if (!first) return;
  const row = await firstRow(
    getDb()
      .select()
      .from(nodeImages)
      .where(and(eq(nodeImages.nodeId, first.id), eq(nodeImages.imageId, imageId))),
  );
  if (row?.state === 'installed') return;
  // A node offers an image only where it is attached: attach and install, as the Placement section does.
  const { jobId } = await runOk(attachAndInstall, { imageId, nodeId: first.id }, admin);
  await getJobRunner().waitFor(jobId);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
