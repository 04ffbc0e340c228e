/**
 * Scale (bench/README.md): the portal past one machine, on PostgreSQL. The built portal on a
 * database holding `seed:large` scaled up to 10,000 nodes and 100,000 images, against one holding
 * one row of each, in the same run: the Images list and Image Availability, time to first byte and
 * its ratio. Then how many jobs a second worker processes claim and finish when the jobs do nothing:
 * the job machinery's own ceiling (claims under the limits, leases, the log, the finish), with three
 * workers against one.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { migratePostgres, openPostgres } from '../lib/db/postgres';
import * as pg from '../lib/db/schema-pg';
import { startPostgres } from '../scripts/lib/services/postgres';
import type { Cleanups } from './lib/cleanup';
import { round } from './lib/figures';
import { log } from './lib/log';
import type { Options } from './lib/options';
import { runCommand } from './lib/processes';
import { comparePages, ONE_OF_EACH, PAGES, portalBuild, type SideSpec } from './pages';

/** Its own loopback address (the other parts use 127.0.0.60–75). */
const POSTGRES_HOST = '127.0.0.76';
const SCALED_SEED = [
  ...['--images', '100000', '--nodes', '10000', '--node-images', '200000'],
  ...['--jobs', '100000', '--audit-events', '100000'],
];
const SCALE_PAGES = PAGES.filter((page) => page.key === 'images' || page.key === 'availability');
const JOBS_PER_WORKER = 1000;

export async function measureScale(options: Options, root: string, cleanups: Cleanups) {
  const distDir = await portalBuild(options.buildDir);
  const postgres = await startPostgres({ host: POSTGRES_HOST });
  cleanups.push(() => postgres.stop());
  const specs: SideSpec[] = [];
  for (const [name, seedArgs] of [
    ['empty', ONE_OF_EACH],
    ['large', SCALED_SEED],
  ] as const) {
    const databaseUrl = await postgres.createDatabase(`scale_${name}`);
    await migrate(databaseUrl);
    specs.push({ name, seedArgs: [...seedArgs], dataDir: path.join(root, `scale-${name}`), databaseUrl });
  }
  const pages = await comparePages('Scale', distDir, specs, SCALE_PAGES, cleanups);
  const ratios = Object.values(pages).map((p) => (p as { ratio: number }).ratio);

  const large = specs[1]!;
  const one = await jobRate(large, 1);
  const three = await jobRate(large, 3);
  return {
    scale_pages: pages,
    scale_worst_ratio: Math.max(...ratios),
    scale_jobs_per_s_1_worker: round(one, 1),
    scale_jobs_per_s_3_workers: round(three, 1),
    scale_jobs_3_vs_1: round(three / one, 2),
  };
}

/** `npm run db:migrate`, through the module it runs. */
async function migrate(url: string): Promise<void> {
  const db = openPostgres(url);
  try {
    await migratePostgres(db);
  } finally {
    await db.$client.end();
  }
}

/**
 * Queues JOBS_PER_WORKER no-op jobs per worker, each on a node of its own (so only the overall limit,
 * set high, applies), starts the workers together and times them until the queue is empty.
 */
async function jobRate(side: SideSpec, workers: number): Promise<number> {
  const db = openPostgres(side.databaseUrl!);
  try {
    const nodes = await db.select({ id: pg.nodes.id, dataCenterId: pg.nodes.dataCenterId }).from(pg.nodes);
    const at = new Date();
    const count = JOBS_PER_WORKER * workers;
    const rows = Array.from({ length: count }, (_, i) => ({
      id: crypto.randomUUID(),
      kind: 'sync-sizes' as const,
      nodeId: nodes[i % nodes.length]!.id,
      dataCenterId: nodes[i % nodes.length]!.dataCenterId,
      createdAt: new Date(at.getTime() + i),
      updatedAt: at,
    }));
    for (let i = 0; i < rows.length; i += 500) await db.insert(pg.jobs).values(rows.slice(i, i + 500));
    // Loading a worker takes a few seconds; they all start claiming at once, after that.
    const startAt = Date.now() + 8_000;
    const env = {
      ...process.env,
      BENCH_START_AT: String(startAt),
      DATABASE_URL: side.databaseUrl!,
      PORTAL_DATA_DIR: side.dataDir,
      PORTAL_JOBS_MAX: '256',
      PORTAL_JOBS_MAX_PER_NODE: '64',
    };
    const results = await Promise.all(
      Array.from({ length: workers }, () =>
        runCommand(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'bench/lib/claim-loop.ts'], {
          env,
        }),
      ),
    );
    const reports = results.map((r) => {
      if (r.code !== 0) throw new Error(`A job-rate worker failed: ${r.stderr.slice(-2000)}`);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { finished: number; endedAt: number };
    });
    const finished = reports.reduce((sum, r) => sum + r.finished, 0);
    const seconds = (Math.max(...reports.map((r) => r.endedAt)) - startAt) / 1000;
    if (finished !== count) throw new Error(`The job-rate workers finished ${finished} of ${count} jobs.`);
    log(`Scale: ${workers} worker(s) claimed and finished ${count} no-op jobs in ${seconds.toFixed(1)} s.`);
    return count / seconds;
  } finally {
    await db.$client.end();
  }
}
