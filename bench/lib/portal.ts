import { firstRow } from '@/lib/db/client';
/**
 * The portal under measurement, set up through its own operations as the UI would do it: its data
 * directory under the benchmark's temp dir, a SuperAdmin, a data center, the sshd nodes (probed,
 * then their host keys pinned), and one raw image of random bytes uploaded into the store.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { UserContext } from '../../lib/auth/policy';
import type { NamespacedSshNode } from '../../scripts/lib/netns-sshd';
import type { SshNode } from '../../scripts/lib/sshd-node';
import type { Cleanups } from './cleanup';
import { MiB } from './figures';
import { log } from './log';

export type BenchNode = { node: SshNode; nodeId: string };
export type Portal = Awaited<ReturnType<typeof setUpPortal>>;

export async function setUpPortal(root: string, hosts: string[], size: number, cleanups: Cleanups) {
  configurePortal(root);
  const portal = await importPortal();
  cleanups.push(() => portal.closeAllDatabases());
  const { and, asc, eq, getDb, runOk, installImage, getJobRunner } = portal;
  const { dataCenters, images, jobEvents, jobs, nodeImages, nodes: nodeRows } = portal;
  const db = getDb();
  /** Copying between a data center's nodes on or off (data_centers.relay_installs). */
  const setRelayInstalls = async (dataCenterId: string, on: boolean) =>
    await db.update(dataCenters).set({ relayInstalls: on }).where(eq(dataCenters.id, dataCenterId));

  const adminId = await portal.insertUser({
    username: 'bench-admin',
    password: 'correct horse battery staple',
    isSuperAdmin: true,
  });
  const admin = (await portal.getUserContext(adminId))!;
  const dataCenterId = (await portal.runOk(portal.createDataCenter, { code: 'bench', name: 'Benchmark' }, admin)).id;
  const nodes = await startNodes(portal, admin, dataCenterId, root, hosts, cleanups);
  const imageId = await uploadRandomImage(portal, admin, size);
  // A node offers only images attached to its data center (the placement rule), as an admin would attach it.
  await portal.runOk(portal.setImageAttachment, { imageId, dataCenterId, attached: true }, admin);
  // The loopback nodes measure the engine sending to each node itself (fan-out, push8): copying
  // between them would change what those figures mean. The relay part has a data center of its own.
  await setRelayInstalls(dataCenterId, false);
  const image = (await firstRow(db.select().from(images).where(eq(images.id, imageId))))!;
  /** Removes the installed image file (and whatever else) from a node's directory, and its node_images row. */
  const clearInstalled = async (nodeId: string, imageDir: string) => {
    for (const f of fs.readdirSync(imageDir)) fs.rmSync(path.join(imageDir, f), { force: true });
    await db.delete(nodeImages).where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId)));
  };

  return {
    admin,
    adminId,
    imageId,
    imageSha256: image.sha256,
    storePath: portal.storedImagePath(image.storeFile!),
    /** The image's file name on a node once installed: named by the image's id. */
    installedName: `${imageId}.raw`,
    nodes,
    /** Queues an install of the image through the portal's operation; the job's id. */
    queueInstall: async (nodeId: string) => (await runOk(installImage, { imageId, nodeId }, admin)).jobId,
    waitFor: (jobId: string) => getJobRunner().waitFor(jobId),
    jobRow: async (id: string) => (await firstRow(db.select().from(jobs).where(eq(jobs.id, id))))!,
    eventsOf: async (id: string) =>
      await db.select().from(jobEvents).where(eq(jobEvents.jobId, id)).orderBy(asc(jobEvents.id)),
    /** The cipher the portal's SSH handshake with the node agrees on. */
    negotiatedCipher: async (nodeId: string) => {
      const nodeRow = (await firstRow(db.select().from(nodeRows).where(eq(nodeRows.id, nodeId))))!;
      const session = await portal.connectWithCredential(nodeRow, { pinned: nodeRow.hostKeyFingerprint });
      const cipher = session.cipher;
      session.close();
      return cipher;
    },
    /** Imports one image from an IMGAPI repository through the portal's operations; the finished job. */
    importFrom: async (url: string, uuid: string) => {
      const repositoryId = (await runOk(portal.createRepository, { name: `bench-${uuid.slice(0, 8)}`, url }, admin)).id;
      await runOk(portal.refreshRepository, { repositoryId }, admin);
      const { jobId } = await runOk(portal.importImage, { repositoryId, uuid }, admin);
      await getJobRunner().waitFor(jobId);
      await runOk(portal.deleteRepository, { repositoryId }, admin);
      return (await firstRow(db.select().from(jobs).where(eq(jobs.id, jobId))))!;
    },
    /** Adds an OpenStack account for a Glance without Keystone; its id. */
    addGlanceAccount: async (url: string) =>
      (
        await runOk(
          portal.createCloudAccount,
          { name: 'bench-glance', kind: 'openstack', auth: 'none', imageUrl: url },
          admin,
        )
      ).id,
    /** Publishes the image to the account through the portal's operation; the finished job. */
    publishTo: async (accountId: string) => {
      const { jobId } = await runOk(portal.publishImage, { imageId, accountId }, admin);
      await getJobRunner().waitFor(jobId);
      return (await firstRow(db.select().from(jobs).where(eq(jobs.id, jobId))))!;
    },
    /** Removes an imported image's row and store file, so the next run can import it again. */
    forgetImport: async (uuid: string) => {
      const image = await firstRow(db.select().from(images).where(eq(images.id, uuid)));
      if (!image) return;
      await db.update(jobs).set({ imageId: null }).where(eq(jobs.imageId, uuid));
      await db.delete(images).where(eq(images.id, uuid));
      fs.rmSync(portal.storedImagePath(image.storeFile!), { force: true });
    },
    /** The next push hashes the store file again, as the first push of a newly stored file does. */
    forgetStoreFileHash: () => portal.forgetStoreFileHashed(imageId),
    /** Removes everything an install left on a node, and the row that says it is there. */
    clearNode: (host: string) => clearInstalled(nodes[host]!.nodeId, nodes[host]!.node.imageDir),
    clearInstalled,
    /** A second data center, with the image attached as in the first; its id. */
    addDataCenter: async (code: string, name: string) => {
      const id = (await runOk(portal.createDataCenter, { code, name }, admin)).id;
      await runOk(portal.setImageAttachment, { imageId, dataCenterId: id, attached: true }, admin);
      return id;
    },
    /** Registers a node whose sshd runs in a network namespace, as the UI does (probe, pin); its id. */
    registerNode: async (dataCenterId: string, node: NamespacedSshNode, name: string) =>
      (await portal.registerSshNode(admin, dataCenterId, node, name)).nodeId,
    setRelayInstalls,
    /** How many of the image's copies on nodes came from another node rather than the portal. */
    copiedNodes: async () =>
      (
        await db
          .select({ nodeId: nodeImages.nodeId })
          .from(nodeImages)
          .where(and(eq(nodeImages.imageId, imageId), portal.isNotNull(nodeImages.copiedFromNodeId)))
      ).length,
    /** Resolves once no job is queued or running: the jobs a relayed install starts by itself included. */
    settled: async () => {
      while (
        await firstRow(
          db
            .select({ id: jobs.id })
            .from(jobs)
            .where(portal.inArray(jobs.status, ['queued', 'running'])),
        )
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
    },
  };
}

/** The portal's modules read the environment on first use, so it is set before they are loaded. */
function configurePortal(root: string): void {
  process.env.PORTAL_DATA_DIR = path.join(root, 'data');
  delete process.env.DATABASE_URL;
  delete process.env.AUTH_SECRET;
  process.env.PORTAL_JOBS_MAX = '8';
  process.env.PORTAL_JOBS_MAX_PER_NODE = '2';
  process.env.PORTAL_JOBS_MAX_ATTEMPTS = '5';
  process.env.PORTAL_JOBS_RETRY_DELAY_S = '0.5';
  // The import benchmark pulls from an upstream portal on loopback, which the portal otherwise refuses.
  process.env.PORTAL_OUTBOUND_ALLOW = '127.0.0.0/8';
}

/** Imported only once configurePortal() has run; see there. */
async function importPortal() {
  const { and, asc, eq, inArray, isNotNull } = await import('drizzle-orm');
  const { insertUser, getUserContext } = await import('../../lib/auth/users');
  const { closeAllDatabases, getDb } = await import('../../lib/db/client');
  const { dataCenters, images, jobEvents, jobs, nodeImages, nodes } = await import('../../lib/db/schema');
  const { createImage, setImageAttachment } = await import('../../lib/images/operations');
  const { installImage } = await import('../../lib/install/operations');
  const { forgetStoreFileHashed } = await import('../../lib/store/trusted-hashes');
  const { getJobRunner } = await import('../../lib/jobs/runner');
  const { createCloudAccount } = await import('../../lib/clouds/operations');
  const { publishImage } = await import('../../lib/publish/operations');
  const { createDataCenter } = await import('../../lib/locations/operations');
  const { connectWithCredential } = await import('../../lib/nodes/connection');
  const { importImage } = await import('../../lib/repositories/import/operation');
  const { createRepository, deleteRepository, refreshRepository } = await import('../../lib/repositories/operations');
  const { imageStore } = await import('../../lib/store/image-store');
  // The benchmarks run on the local store, and read and remove its files directly.
  const storedImagePath = (name: string) =>
    (imageStore() as import('../../lib/store/local-store').LocalImageStore).pathOf(name);
  const { uploadImageFile } = await import('../../lib/store/upload');
  const { registerSshNode, runOk } = await import('../../scripts/lib/portal-seed');
  const { SshNode } = await import('../../scripts/lib/sshd-node');
  return {
    and,
    asc,
    eq,
    inArray,
    isNotNull,
    insertUser,
    getUserContext,
    closeAllDatabases,
    getDb,
    dataCenters,
    images,
    jobEvents,
    jobs,
    nodeImages,
    nodes,
    createImage,
    setImageAttachment,
    installImage,
    forgetStoreFileHashed,
    getJobRunner,
    createCloudAccount,
    publishImage,
    createDataCenter,
    connectWithCredential,
    storedImagePath,
    uploadImageFile,
    registerSshNode,
    runOk,
    SshNode,
    importImage,
    createRepository,
    deleteRepository,
    refreshRepository,
  };
}

type PortalModules = Awaited<ReturnType<typeof importPortal>>;

/** One sshd per host, in the benchmark's data center, registered as the UI does it. */
async function startNodes(
  portal: PortalModules,
  admin: UserContext,
  dataCenterId: string,
  root: string,
  hosts: string[],
  cleanups: Cleanups,
) {
  const started: Record<string, BenchNode> = {};
  for (const host of hosts) {
    const node = await portal.SshNode.start({ host, baseDir: path.join(root, `node-${host}`) });
    cleanups.push(() => node.stop());
    const { nodeId } = await portal.registerSshNode(admin, dataCenterId, node, `bench-${host.split('.').at(-1)}`);
    started[host] = { node, nodeId };
  }
  if (hosts.length > 0) log(`${hosts.length} sshd node(s) up on ${hosts.join(', ')}.`);
  return started;
}

/** An `upload` image, its file fed to the store as the browser's upload would be: hashed, fsynced, marked ok. */
async function uploadRandomImage(portal: PortalModules, admin: UserContext, size: number): Promise<string> {
  log(`Writing a ${size / MiB} MiB image of random bytes into the portal's store (upload path: hashed, fsynced)…`);
  const imageId = (
    await portal.runOk(
      portal.createImage,
      {
        name: 'bench-image',
        version: '1',
        osType: 'linux',
        category: 'Linux',
        diskFormat: 'raw',
        containerFormat: 'bare',
        source: 'upload',
      },
      admin,
    )
  ).id;
  const uploaded = await portal.uploadImageFile(admin, imageId, {
    body: randomBytesStream(size),
    contentLength: size,
    contentType: 'application/octet-stream',
  });
  if (!uploaded.ok) throw new Error(`The upload into the store failed: ${uploaded.error}`);
  return imageId;
}

/** Random bytes, generated a MiB at a time as they are consumed: never the whole image in memory. */
function randomBytesStream(size: number): Readable {
  return Readable.from(
    (function* () {
      for (let left = size; left > 0; left -= MiB) yield crypto.randomBytes(Math.min(MiB, left));
    })(),
  );
}
