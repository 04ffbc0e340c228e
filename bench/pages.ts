/**
 * Pages (bench/README.md): the built portal twice, on a data directory holding the `seed:large`
 * catalogue and on one holding the same seed at one row of each kind, so every page exists in both.
 * Each page's time to first byte and HTML size there, and the ratio between the two.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_LANE } from '../e2e/support/lane';
import type { Cleanups } from './lib/cleanup';
import { median, round } from './lib/figures';
import { log } from './lib/log';
import { signIn, startNextPortal, timedGet, type Admin, type NextPortal, type Timing } from './lib/next-server';
import type { Options } from './lib/options';
import { runCommand } from './lib/processes';
import { PAGE_TARGETS } from './lib/report';

const ADMIN: Admin = { username: 'bench-admin', password: 'bench pages password' };
const RUNS = 7;
const WARM_UPS = 2;
/** The baseline: the seed's shape with one row of each kind. */
export const ONE_OF_EACH = [
  '--images',
  '1',
  '--nodes',
  '1',
  '--node-images',
  '1',
  '--jobs',
  '1',
  '--audit-events',
  '1',
];

type Ids = { dataCenterId: string; nodeId: string; imageId: string };
export type Page = { key: string; label: string; path: (ids: Ids) => string };

/** The pages measured, by the key their figures carry in the report. */
export const PAGES: Page[] = [
  { key: 'location', label: 'Location Details', path: (ids) => `/locations/${ids.dataCenterId}` },
  { key: 'node', label: 'Node Details', path: (ids) => `/nodes/${ids.nodeId}` },
  { key: 'images', label: 'Images', path: () => '/images' },
  { key: 'availability', label: 'Image Availability', path: (ids) => `/images/${ids.imageId}/availability` },
  { key: 'jobs', label: 'Jobs', path: () => '/jobs' },
  { key: 'audit', label: 'Audit', path: () => '/audit' },
  { key: 'overview', label: 'Overview', path: () => '/' },
];

type Side = { name: 'empty' | 'large'; url: string; cookie: string; ids: Ids };
/** Where a side keeps its rows: SQLite in its data directory, or the PostgreSQL database named. */
export type SideSpec = { name: Side['name']; seedArgs: string[]; dataDir: string; databaseUrl?: string };

export async function measurePages(options: Options, root: string, cleanups: Cleanups) {
  const distDir = await portalBuild(options.buildDir);
  const specs: SideSpec[] = [
    { name: 'empty', seedArgs: ONE_OF_EACH, dataDir: path.join(root, 'pages-empty') },
    { name: 'large', seedArgs: [], dataDir: path.join(root, 'pages-large') },
  ];
  const figures = await comparePages('Pages', distDir, specs, PAGES, cleanups);
  const measured = Object.values(figures) as { ratio: number; large_html_kb: number }[];
  return {
    pages_runs: RUNS,
    pages_build: distDir,
    pages: figures,
    pages_worst_ratio: Math.max(...measured.map((p) => p.ratio)),
    pages_largest_html_kb: Math.max(...measured.map((p) => p.large_html_kb)),
    pages_targets: PAGE_TARGETS,
  };
}

/**
 * Seeds each side as `npm run seed:large` would, starts the built portal on it, and times `pages` on
 * both: each page's time to first byte and HTML size, and the ratio of large to empty.
 */
export async function comparePages(
  what: string,
  distDir: string,
  specs: SideSpec[],
  pages: Page[],
  cleanups: Cleanups,
) {
  const sides: Side[] = [];
  const portals: NextPortal[] = [];
  for (const spec of specs) {
    log(`${what}: seeding the ${spec.name} database (npm run seed:large ${spec.seedArgs.join(' ')})…`);
    await seed(what, spec);
    const portal = await startNextPortal(distDir, spec.dataDir, ADMIN, cleanups, spec.databaseUrl);
    portals.push(portal);
    const ids = await seededIds(spec);
    sides.push({ name: spec.name, url: portal.url, cookie: await signIn(portal.url, ADMIN), ids });
    log(`${what}: the ${spec.name} portal runs on ${portal.url}.`);
  }

  const figures: Record<string, unknown> = {};
  for (const page of pages) {
    const timings = await timePage(page, sides);
    const [empty, large] = [timings.empty, timings.large];
    if (!empty || !large) {
      log(`${what}: ${page.label} (${page.path(sides[0]!.ids)}) is not a page here; skipped.`);
      continue;
    }
    const largeMs = median(large.map((t) => t.ttfbMs));
    const emptyMs = median(empty.map((t) => t.ttfbMs));
    figures[page.key] = {
      label: page.label,
      path: page.path(sides[1]!.ids),
      large_ms: round(largeMs, 1),
      empty_ms: round(emptyMs, 1),
      ratio: round(largeMs / emptyMs, 2),
      large_html_kb: round(large[0]!.bytes / 1000, 1),
      empty_html_kb: round(empty[0]!.bytes / 1000, 1),
      large_total_ms: round(median(large.map((t) => t.totalMs)), 1),
      large_runs_ms: large.map((t) => round(t.ttfbMs, 1)),
      empty_runs_ms: empty.map((t) => round(t.ttfbMs, 1)),
    };
    log(`${what}: ${page.label}: ${largeMs.toFixed(0)} ms vs ${emptyMs.toFixed(0)} ms, ${large[0]!.bytes} bytes.`);
  }
  // Stopped now: a web process runs jobs too, and what is measured next may queue some.
  for (const portal of portals) await portal.stop();
  return figures;
}

/**
 * Warm-ups, then RUNS timed requests on each side, the sides alternating so that a slow spell of
 * the machine hits both. Null for a side where the path is not a page (a redirect, a 404).
 */
async function timePage(page: Page, sides: Side[]): Promise<Record<Side['name'], Timing[] | null>> {
  const get = (side: Side) => timedGet(`${side.url}${page.path(side.ids)}`, side.cookie);
  const runs: Record<string, Timing[] | null> = {};
  for (const side of sides) {
    for (let i = 0; i < WARM_UPS; i++) {
      const answer = await get(side);
      if (answer.status !== 200) runs[side.name] = null;
    }
    if (runs[side.name] !== null) runs[side.name] = [];
  }
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) runs[side.name]?.push(await get(side));
  }
  return runs as Record<Side['name'], Timing[] | null>;
}

/** The lane's build, made now, unless --build-dir names one to reuse. */
export async function portalBuild(buildDir: string | undefined): Promise<string> {
  if (buildDir) {
    if (!fs.existsSync(path.join(buildDir, 'BUILD_ID'))) throw new Error(`${buildDir} holds no Next.js build.`);
    log(`Pages: reusing the build in ${buildDir}.`);
    return buildDir;
  }
  const distDir = E2E_LANE.distDir;
  log(`Pages: building the portal into ${distDir} (next build; a few minutes)…`);
  const built = await runCommand(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (built.code !== 0) throw new Error(`next build failed:\n${built.stdout.slice(-3000)}${built.stderr.slice(-3000)}`);
  return distDir;
}

/** `npm run seed:large` into the side's database, as an operator would run it. */
async function seed(what: string, spec: SideSpec): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTAL_DATA_DIR: spec.dataDir };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  if (spec.databaseUrl) env.DATABASE_URL = spec.databaseUrl;
  const result = await runCommand(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'scripts/seed-large.ts', ...spec.seedArgs],
    { env },
  );
  if (result.code !== 0) throw new Error(`seed:large failed: ${result.stderr.trim()}`);
  log(`${what}: ${result.stdout.trim().split('\n').join(' ')}`);
}

const SEEDED_IDS = {
  dataCenter: "select id from data_centers where code = 'seed-large-amsterdam'",
  node: 'select id from nodes where data_center_id = $1 order by name limit 1',
  image: "select id from images order by access = 'deleted', name limit 1",
};

/** The seed's first data center, its first node and the first image by name: the pages' subjects. */
async function seededIds(spec: SideSpec): Promise<Ids> {
  const ask = spec.databaseUrl ? await postgresAsker(spec.databaseUrl) : sqliteAsker(spec.dataDir);
  try {
    const dataCenterId = await ask.one(SEEDED_IDS.dataCenter);
    return {
      dataCenterId,
      nodeId: await ask.one(SEEDED_IDS.node, dataCenterId),
      imageId: await ask.one(SEEDED_IDS.image),
    };
  } finally {
    await ask.close();
  }
}

type Asker = { one: (sql: string, ...params: string[]) => Promise<string>; close: () => Promise<void> };

function sqliteAsker(dataDir: string): Asker {
  const db = new Database(path.join(dataDir, 'portal.db'), { readonly: true, fileMustExist: true });
  return {
    one: async (sql, ...params) => (db.prepare(sql.replace(/\$\d+/g, '?')).get(...params) as { id: string }).id,
    close: async () => void db.close(),
  };
}

async function postgresAsker(url: string): Promise<Asker> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    one: async (sql, ...params) => (await client.query<{ id: string }>(sql, params)).rows[0]!.id,
    close: () => client.end(),
  };
}
