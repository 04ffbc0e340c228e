/**
 * `npm run seed:large`: fills the portal's database (SQLite in PORTAL_DATA_DIR, or the PostgreSQL
 * database DATABASE_URL names) with a catalogue big enough to try the portal's pages at scale:
 * 10,000 images (several versions per alias), 200 nodes over four data centers, 100,000 node-image
 * rows, and a year of history: 100,000 finished jobs and 100,000 audit events. Everything it makes
 * is fake and marked so: the data centers' codes start with `seed-large-`, and the nodes point at
 * 127.0.0.254, where nothing answers. Nobody should install on them.
 *
 * It keeps the portal's placement rule, as the portal itself would have: a node has only images
 * usable in its data center (bound to it or attached to it), and installs were only of those, so
 * Location Details never shows more images available than attached.
 *
 * Rows go straight into the tables in one transaction, in multi-row inserts, so it takes seconds.
 * Running it again finds its data centers and changes nothing. `--images N`, `--nodes N`,
 * `--node-images N`, `--jobs N` and `--audit-events N` seed other sizes (the page benchmark's
 * baseline is one of each).
 */
import { firstRow } from '@/lib/db/client';
import crypto from 'node:crypto';
import path from 'node:path';
import { count, like, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DiskFormat, ImageStatus, NodeImageState, OsType, AccessLevel, ImageCategory } from '../lib/db/enums';
import {
  auditEvents,
  credentials,
  dataCenters,
  imageDataCenters,
  imageTags,
  images,
  jobs,
  nodeImages,
  nodes,
} from '../lib/db/tables';
import type { Db, Tx } from '../lib/db/client';
import { auditEventRows, jobRows } from './lib/seed-large-history';

export type SeedSize = { images: number; nodes: number; nodeImages: number; jobs: number; auditEvents: number };
export const FULL_SIZE: SeedSize = {
  images: 10_000,
  nodes: 200,
  nodeImages: 100_000,
  jobs: 100_000,
  auditEvents: 100_000,
};

/** The marker of this seed's rows: data center codes start with it. */
export const SEED_CODE_PREFIX = 'seed-large-';
const FAKE_HOST = '127.0.0.254';
const DATA_CENTERS = ['Amsterdam', 'Rotterdam', 'Frankfurt', 'Paris'];

const DISTROS: { alias: string; osType: OsType; category: ImageCategory }[] = [
  { alias: 'ubuntu', osType: 'linux', category: 'Linux' },
  { alias: 'debian', osType: 'linux', category: 'Linux' },
  { alias: 'rocky', osType: 'linux', category: 'Linux' },
  { alias: 'alpine', osType: 'linux', category: 'Linux' },
  { alias: 'fedora', osType: 'linux', category: 'Linux' },
  { alias: 'windows-server', osType: 'windows', category: 'Windows' },
  { alias: 'freebsd', osType: 'bsd', category: 'Other' },
  { alias: 'openbsd', osType: 'bsd', category: 'Other' },
  { alias: 'smartos', osType: 'sunos', category: 'Other' },
  { alias: 'base-zone', osType: 'sunos-zone', category: 'Other' },
  { alias: 'lx-ubuntu', osType: 'linux-zone', category: 'Linux' },
];
const FLAVOURS = ['minimal', 'server', 'cloud', 'desktop', 'gpu', 'hardened', 'docker', 'k8s-node', 'db', 'web'];
const TAGS = [
  'lts',
  'stable',
  'beta',
  'cis',
  'gpu',
  'arm64',
  'x86_64',
  'uefi',
  'cloud-init',
  'kvm',
  'legacy',
  'fips',
  'docker',
  'edge',
];
const DISK_FORMATS: DiskFormat[] = ['qcow2', 'qcow2', 'qcow2', 'raw', 'raw', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso'];
const STATUSES: ImageStatus[] = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'disabled', 'failed', 'pending'];
const ACCESS: AccessLevel[] = [
  'public',
  'public',
  'public',
  'public',
  'public',
  'public',
  'public',
  'private',
  'private',
  'deleted',
];
const NODE_STATES: NodeImageState[] = [
  'installed',
  'installed',
  'installed',
  'installed',
  'installed',
  'installed',
  'installed',
  'missing',
  'failed',
  'installing',
];
const VERSIONS_PER_ALIAS = 5;
const BATCH = 500;

/** A small seeded generator, so every run (and the test) makes the same catalogue. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

async function insertInBatches<T extends SQLiteTable>(tx: Tx, table: T, rows: T['$inferInsert'][]) {
  for (let i = 0; i < rows.length; i += BATCH) await tx.insert(table).values(rows.slice(i, i + BATCH));
}

type PlacedImage = { id: string; dcBoundId: string | null };

/**
 * Where the images may be used (the placement rule: a node offers an image only where it is bound
 * or attached): a DC-bound image is attached to its own data center, as creating it does; a global
 * one to each data center with an even chance. A data center whose nodes need more usable images
 * than that for their `nodeImages` rows gets more global ones attached. Returns the attachment rows
 * and each data center's usable image ids, in catalogue order.
 */
function placeImages(
  images: readonly PlacedImage[],
  nodes: readonly { dataCenterId: string }[],
  dataCenterIds: readonly string[],
  nodeImages: number,
  next: () => number,
): { attachments: { imageId: string; dataCenterId: string }[]; usable: Map<string, string[]> } {
  const attached = new Map(dataCenterIds.map((dc) => [dc, new Set<string>()]));
  for (const image of images) {
    const where = image.dcBoundId ? [image.dcBoundId] : dataCenterIds.filter(() => next() < 0.5);
    for (const dc of where) attached.get(dc)!.add(image.id);
  }
  // Rows go to nodes in turn, so the busiest node has this many.
  const rowsPerNode = Math.ceil(nodeImages / Math.max(1, nodes.length));
  for (const dc of new Set(nodes.map((n) => n.dataCenterId))) {
    const here = attached.get(dc)!;
    for (const image of images) {
      if (here.size >= rowsPerNode) break;
      if (!image.dcBoundId) here.add(image.id);
    }
    if (here.size < rowsPerNode)
      throw new Error(
        `More node-image rows asked for than images usable on the nodes: a node needs ${rowsPerNode}, its data center has ${here.size}.`,
      );
  }
  // In catalogue order, whatever order the attachments were made in.
  const usable = new Map(
    dataCenterIds.map((dc) => [dc, images.filter((i) => attached.get(dc)!.has(i.id)).map((i) => i.id)]),
  );
  const attachments = [...usable].flatMap(([dataCenterId, ids]) => ids.map((imageId) => ({ imageId, dataCenterId })));
  return { attachments, usable };
}

/**
 * Each node's window on its data center's usable images: the nodes of a data center start at
 * offsets spread evenly over the list, so together they cover it rather than all holding its first
 * images.
 */
function nodeWindows(nodes: readonly { id: string; dataCenterId: string }[], usable: Map<string, string[]>) {
  const windows = new Map<string, { images: string[]; offset: number }>();
  for (const [dc, images] of usable) {
    const here = nodes.filter((n) => n.dataCenterId === dc);
    const spread = Math.max(1, Math.floor(images.length / Math.max(1, here.length)));
    here.forEach((node, k) => windows.set(node.id, { images, offset: k * spread }));
  }
  return windows;
}

/** Whether this database already holds the large seed. */
export async function isSeeded(db: Db): Promise<boolean> {
  const row = await firstRow(
    db
      .select({ n: count() })
      .from(dataCenters)
      .where(like(dataCenters.code, `${SEED_CODE_PREFIX}%`)),
  );
  return (row?.n ?? 0) > 0;
}

/** Makes the catalogue in one transaction; returns what it made, or null when it was already there. */
export async function seedLarge(
  db: Db,
  size: SeedSize = FULL_SIZE,
): Promise<(SeedSize & { dataCenters: number }) | null> {
  if (size.nodeImages > size.nodes * size.images)
    throw new Error('More node-image rows asked for than node × image pairs exist.');
  if (await isSeeded(db)) return null;
  const rnd = random(4242);
  const at = new Date();
  const day = 24 * 3600 * 1000;

  return db.transaction(async (tx) => {
    const dcIds: string[] = [];
    for (const city of DATA_CENTERS) {
      const id = crypto.randomUUID();
      const code = `${SEED_CODE_PREFIX}${city.toLowerCase()}`;
      await tx.insert(dataCenters).values({
        id,
        code,
        name: `${city} (seed:large, fake)`,
        description: 'Made by npm run seed:large to try the Images listing at scale. Its nodes are fake.',
        createdAt: at,
      });
      dcIds.push(id);
    }

    const credentialId = crypto.randomUUID();
    await tx.insert(credentials).values({
      id: credentialId,
      name: 'seed:large fake key (no private key)',
      publicKey: 'ssh-ed25519 AAAA-fake-seed-large',
      encryptedPrivateKey: 'fake',
      createdAt: at,
    });
    const nodeRows = Array.from({ length: size.nodes }, (_, i) => ({
      id: crypto.randomUUID(),
      dataCenterId: dcIds[i % dcIds.length]!,
      name: `seed-large-node-${String(i + 1).padStart(3, '0')}`,
      // Unique (host, port) pairs on an address where nothing listens: these nodes are not real.
      host: FAKE_HOST,
      port: 40_000 + i,
      sshUser: 'nobody',
      credentialId,
      hostKeyFingerprint: 'SHA256:fake-seed-large-node-not-reachable',
      imageDir: '/srv/seed-large-fake',
      status: 'enabled' as const,
      statusReason: 'Fake node made by npm run seed:large; nothing answers on 127.0.0.254.',
      createdAt: at,
      updatedAt: at,
    }));
    await insertInBatches(tx, nodes, nodeRows);

    // Node i is in data center i mod 4.
    const dcIdsWithNodes = dcIds.slice(0, Math.min(size.nodes, dcIds.length));
    const imageRows = Array.from({ length: size.images }, (_, i) => {
      const distro = DISTROS[Math.floor(i / VERSIONS_PER_ALIAS) % DISTROS.length]!;
      const family = Math.floor(i / (VERSIONS_PER_ALIAS * DISTROS.length));
      const flavour = FLAVOURS[family % FLAVOURS.length]!;
      // Every fifth alias family is left without an alias, as hand-made images often are.
      const alias = family % 5 === 4 ? null : `${distro.alias}-${flavour}-${family}`;
      const version = `${1 + (family % 24)}.${i % VERSIONS_PER_ALIAS}`;
      const name = `${distro.alias}-${flavour}-${family}-v${version}`;
      // Bound to a data center with nodes, where it can be offered (with one node, the first).
      const bound = rnd.next() < 0.4 ? rnd.pick(dcIdsWithNodes) : null;
      const tags = [...new Set(Array.from({ length: Math.floor(rnd.next() * 4) }, () => rnd.pick(TAGS)))];
      const created = new Date(at.getTime() - Math.floor(rnd.next() * 3 * 365 * day));
      return {
        id: crypto.randomUUID(),
        name,
        alias,
        version,
        description: 'Fake image made by npm run seed:large.',
        osType: distro.osType,
        category: distro.category,
        access: rnd.pick(ACCESS),
        dcBoundId: bound,
        status: rnd.pick(STATUSES),
        diskFormat: rnd.pick(DISK_FORMATS),
        containerFormat: 'bare' as const,
        sourceUrl: `http://${FAKE_HOST}/seed-large/${name}.img`,
        sizeBytes: rnd.next() < 0.05 ? null : Math.floor((0.1 + rnd.next() * 20) * 1024 ** 3),
        sha256: crypto.createHash('sha256').update(name).digest('hex'),
        tags,
        createdAt: created,
        updatedAt: created,
      };
    });
    await insertInBatches(tx, images, imageRows);
    // As lib/images/tags.ts keeps them for the portal's own writes.
    await insertInBatches(
      tx,
      imageTags,
      imageRows.flatMap((image) => image.tags.map((tag) => ({ tag, imageId: image.id }))),
    );

    const { attachments, usable } = placeImages(imageRows, nodeRows, dcIds, size.nodeImages, rnd.next);
    await insertInBatches(
      tx,
      imageDataCenters,
      attachments.map((a) => ({ ...a, attachedAt: at })),
    );

    // The placement rule: a node offers only images usable in its data center (bound or attached
    // there), so its rows are a window on that data center's usable images. Row r goes to node
    // r mod N, and to the next image of the node's window: no pair repeats, since no node has more
    // rows than its data center has usable images (placeImages saw to that).
    const windows = nodeWindows(nodeRows, usable);
    const nodeImageRows = Array.from({ length: size.nodeImages }, (_, r) => {
      const node = nodeRows[r % size.nodes]!;
      const { images: candidates, offset } = windows.get(node.id)!;
      const state = rnd.pick(NODE_STATES);
      return {
        nodeId: node.id,
        imageId: candidates[(offset + Math.floor(r / size.nodes)) % candidates.length]!,
        state,
        available: state === 'installed',
        installedAt: state === 'installed' ? at : null,
        updatedAt: at,
      };
    });
    await insertInBatches(tx, nodeImages, nodeImageRows);

    const seeded = { nodes: nodeRows, images: imageRows, dataCenterIds: dcIds, usable };
    const jobList = jobRows(size.jobs, rnd, at, seeded);
    await insertInBatches(tx, jobs, jobList);
    const eventList = auditEventRows(size.auditEvents, rnd, at, seeded);
    await insertInBatches(tx, auditEvents, eventList);

    return {
      dataCenters: dcIds.length,
      images: imageRows.length,
      nodes: nodeRows.length,
      nodeImages: nodeImageRows.length,
      jobs: jobList.length,
      auditEvents: eventList.length,
    };
  });
}

async function main() {
  // Imported here, so the test can call seedLarge with its own database without the portal's config.
  const { closeAllDatabases, openProcessDatabase, rawExecute } = await import('../lib/db/client');
  const { getConfig } = await import('../lib/config');
  const { redactUrlCredentials } = await import('../lib/format');
  const started = Date.now();
  // PostgreSQL must have been migrated (npm run db:migrate); SQLite migrates itself as it opens.
  const db = await openProcessDatabase();
  const made = await seedLarge(db, sizeFromArgs(process.argv.slice(2)));
  const { database } = getConfig();
  // A bulk load leaves PostgreSQL without statistics or a visibility map until autovacuum comes by;
  // measure the catalogue as it runs once it has, not in the minutes before.
  if (made && database.dialect === 'postgres') await rawExecute(sql`vacuum analyze`, db);
  await closeAllDatabases();
  const where = database.dialect === 'sqlite' ? database.file : redactUrlCredentials(database.url);
  if (!made) {
    console.log(`The large seed is already in ${where} (data centers ${SEED_CODE_PREFIX}*); nothing changed.`);
    return;
  }
  console.log(
    `Seeded ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n` +
      `  ${made.dataCenters} data centers (${SEED_CODE_PREFIX}*), ${made.nodes} fake nodes on ${FAKE_HOST} (nothing answers there; do not install on them),\n` +
      `  ${made.images} images, ${made.nodeImages} node-image rows, ${made.jobs} finished jobs, ${made.auditEvents} audit events.`,
  );
}

const SIZE_FLAGS: Record<string, keyof SeedSize> = {
  '--images': 'images',
  '--nodes': 'nodes',
  '--node-images': 'nodeImages',
  '--jobs': 'jobs',
  '--audit-events': 'auditEvents',
};

/** The full size, with whatever the command line changes: `--jobs 500` or `--jobs=500`. */
function sizeFromArgs(argv: string[]): SeedSize {
  const size = { ...FULL_SIZE };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=');
    const key = SIZE_FLAGS[flag!];
    const value = Number(inline ?? argv[++i]);
    if (!key || !Number.isInteger(value) || value < (key === 'images' || key === 'nodes' ? 1 : 0))
      throw new Error(
        `usage: npm run seed:large -- [${Object.keys(SIZE_FLAGS).join(' N] [')} N]; not ${argv.join(' ')}`,
      );
    size[key] = value;
  }
  return size;
}

if (process.argv[1] && path.basename(process.argv[1]).startsWith('seed-large')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
