/**
 * Pages (bench/README.md): the built portal twice, on a data directory holding the `seed:large`
 * catalogue and on one holding the same seed at one row of each kind, so every page exists in both.
 * Each page's time to first byte and HTML size there, and the ratio between the two.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_LANE } from '../e2e/support/lane';
import type { Cleanups } from './lib/cleanup';
import { median, round } from './lib/figures';
import { log } from './lib/log';
import { signIn, startNextPortal, timedGet, type Admin, type Timing } from './lib/next-server';
import type { Options } from './lib/options';
import { runCommand } from './lib/processes';
import { PAGE_TARGETS } from './lib/report';

const ADMIN: Admin = { username: 'bench-admin', password: 'bench pages password' };
const RUNS = 7;
const WARM_UPS = 2;
/** The baseline: the seed's shape with one row of each kind. */
const ONE_OF_EACH = ['--images', '1', '--nodes', '1', '--node-images', '1', '--jobs', '1', '--audit-events', '1'];

type Ids = { dataCenterId: string; nodeId: string; imageId: string };
type Page = { key: string; label: string; path: (ids: Ids) => string };

/** The pages measured, by the key their figures carry in the report. */
const PAGES: Page[] = [
  { key: 'location', label: 'Location Details', path: (ids) => `/locations/${ids.dataCenterId}` },
  { key: 'node', label: 'Node Details', path: (ids) => `/nodes/${ids.nodeId}` },
  { key: 'images', label: 'Images', path: () => '/images' },
  { key: 'availability', label: 'Image Availability', path: (ids) => `/images/${ids.imageId}/availability` },
  { key: 'jobs', label: 'Jobs', path: () => '/jobs' },
  { key: 'audit', label: 'Audit', path: () => '/audit' },
  { key: 'overview', label: 'Overview', path: () => '/' },
];

type Side = { name: 'empty' | 'large'; url: string; cookie: string; ids: Ids };

export async function measurePages(options: Options, root: string, cleanups: Cleanups) {
  const distDir = await portalBuild(options.buildDir);
  const sides: Side[] = [];
  for (const [name, args] of [
    ['empty', ONE_OF_EACH],
    ['large', []],
  ] as const) {
    const dataDir = path.join(root, `pages-${name}`);
    log(`Pages: seeding the ${name} data directory (npm run seed:large ${args.join(' ')})…`);
    await seed(dataDir, [...args]);
    const portal = await startNextPortal(distDir, dataDir, ADMIN, cleanups);
    sides.push({ name, url: portal.url, cookie: await signIn(portal.url, ADMIN), ids: seededIds(dataDir) });
    log(`Pages: the ${name} portal runs on ${portal.url}.`);
  }

  const figures: Record<string, unknown> = {};
  for (const page of PAGES) {
    const timings = await timePage(page, sides);
    const [empty, large] = [timings.empty, timings.large];
    if (!empty || !large) {
      log(`Pages: ${page.label} (${page.path(sides[0]!.ids)}) is not a page here; skipped.`);
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
    log(`Pages: ${page.label}: ${largeMs.toFixed(0)} ms vs ${emptyMs.toFixed(0)} ms, ${large[0]!.bytes} bytes.`);
  }
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
async function portalBuild(buildDir: string | undefined): Promise<string> {
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

/** `npm run seed:large` into `dataDir`, as an operator would run it. */
async function seed(dataDir: string, args: string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTAL_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  const result = await runCommand(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'scripts/seed-large.ts', ...args],
    { env },
  );
  if (result.code !== 0) throw new Error(`seed:large failed: ${result.stderr.trim()}`);
  log(`Pages: ${result.stdout.trim().split('\n').join(' ')}`);
}

/** The seed's first data center, its first node and the first image by name: the pages' subjects. */
function seededIds(dataDir: string): Ids {
  const db = new Database(path.join(dataDir, 'portal.db'), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string, ...params: string[]) => (db.prepare(sql).get(...params) as { id: string }).id;
    const dataCenterId = one("select id from data_centers where code = 'seed-large-amsterdam'");
    return {
      dataCenterId,
      nodeId: one('select id from nodes where data_center_id = ? order by name limit 1', dataCenterId),
      imageId: one("select id from images order by access = 'deleted', name limit 1"),
    };
  } finally {
    db.close();
  }
}
