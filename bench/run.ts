/**
 * `npm run bench`: the install engine against real local sshd nodes, and the portal's pages at scale
 * (bench/README.md).
 *
 *   push vs scp   portal SFTP push of one image vs OpenSSH scp of the same file, same node, same cipher (push.ts)
 *   push memory   peak RSS of the process running the engine during that push (push.ts)
 *   8 pushes      peak RSS of one process pushing the image onto 8 nodes at once (push8.ts)
 *   fan-out       one image onto 4 nodes in parallel vs one after another, wall time (fanout.ts)
 *   relay         behind a 200 Mbit/s link, onto 4 nodes with and without copying between them vs onto 1 (relay.ts)
 *   resume        bytes sent again when a push is cut at 50% and the job retries (resume.ts)
 *   import        an IMGAPI import from a second portal into the store vs curl of the same file (import.ts)
 *   publish       the publish job to a real Glance vs curl -T of the same file, and its peak RSS (publish.ts)
 *   pages         the built portal's pages on the seed:large catalogue vs on one row of each (pages.ts)
 *   scale         on PostgreSQL: /images and Image Availability with 10,000 nodes and 100,000 images vs
 *                 one of each, and no-op jobs claimed and finished per second by 1 and 3 workers (scale.ts)
 *
 * Options: --json (stdout: one JSON object; everything else on stderr), --size-mb N (default 1024),
 * --runs N (scp and push runs each, default 5; the relay part's rounds, default 2), --busy (every
 * transfer figure also with one core kept busy, lib/busy.ts),
 * --only push,push8,fanout,relay,resume,import,publish,pages,scale, --build-dir DIR (the pages and scale parts
 * reuse that build instead of running next build).
 * Exits non-zero only when the benchmark itself breaks; missed targets are reported, not fatal.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FANOUT_HOSTS, measureFanout } from './fanout';
import { busyMachine, loadsOf, type UnderLoad } from './lib/busy';
import { measureImport } from './import';
import { cleanupOnExit, makeScratchDir, type Cleanups } from './lib/cleanup';
import { MiB, round } from './lib/figures';
import { log } from './lib/log';
import { machineAtStart, machineReport } from './lib/machine';
import { PARTS, parseOptions, USAGE, type Options, type Part } from './lib/options';
import { measurePages } from './pages';
import { measureScale } from './scale';
import { measurePublish } from './publish';
import { measureRelay, RELAY_DEFAULT_RUNS } from './relay';
import { setUpPortal, type Portal } from './lib/portal';
import { table, targetsMet, type Report } from './lib/report';
import { measurePush, PUSH_HOST } from './push';
import { measurePush8, PUSH8_HOSTS } from './push8';
import { measureResume, RESUME_HOST } from './resume';

/** What a part measures with: `under` runs a measurement quiet or busy, `loads` says which (--busy: both). */
type Context = { size: number; options: Options; root: string; cleanups: Cleanups; under: UnderLoad };
type Measure = (portal: Portal, context: Context) => Promise<Report>;
/** The parts that measure the install engine in this process; pages and scale run their own portals. */
type EnginePart = Exclude<Part, 'pages' | 'scale'>;

/** Each engine figure's nodes, and the measurement that returns its keys. */
const FIGURES: Record<EnginePart, { hosts: string[]; measure: Measure }> = {
  push: {
    hosts: [PUSH_HOST],
    measure: (portal, { size, options, root, under }) =>
      measurePush(portal, size, options.runs, path.join(root, 'scp'), loadsOf(options.busy), under),
  },
  push8: { hosts: PUSH8_HOSTS, measure: (portal, { size }) => measurePush8(portal, size) },
  fanout: {
    hosts: FANOUT_HOSTS,
    measure: (portal, { size, options, under }) => measureFanout(portal, size, loadsOf(options.busy), under),
  },
  // Its nodes live in network namespaces behind a shaped link, set up by the part itself.
  relay: {
    hosts: [],
    measure: (portal, { size, options, root, cleanups, under }) =>
      measureRelay(
        portal,
        size,
        options.runsGiven ? options.runs : RELAY_DEFAULT_RUNS,
        loadsOf(options.busy),
        under,
        root,
        cleanups,
      ),
  },
  resume: { hosts: [RESUME_HOST], measure: (portal, { size }) => measureResume(portal, size) },
  import: {
    hosts: [],
    measure: (portal, { size, options, root, cleanups, under }) =>
      measureImport(portal, size, options.runs, root, cleanups, loadsOf(options.busy), under),
  },
  publish: {
    hosts: [],
    measure: (portal, { size, options, cleanups, under }) =>
      measurePublish(portal, size, options.runs, cleanups, loadsOf(options.busy), under),
  },
};

async function main(options: Options, root: string, cleanups: Cleanups): Promise<Report> {
  const size = options.sizeMb * MiB;
  const benchStarted = performance.now();
  const atStart = await machineAtStart();
  if (atStart.idlePercent !== null && atStart.idlePercent < 90)
    log(
      `The CPUs are only ${atStart.idlePercent.toFixed(0)}% idle: other work is running, so the figures will be noisy.`,
    );

  const parts = PARTS.filter(
    (part): part is EnginePart => part !== 'pages' && part !== 'scale' && options.only.has(part),
  );
  const report: Report = {};
  const busy = busyMachine(cleanups);
  // The engine's portal, with its sshd nodes and an image of --size-mb, only when an engine part runs.
  if (parts.length > 0) {
    const hosts = parts.flatMap((part) => FIGURES[part].hosts);
    const portal = await setUpPortal(root, hosts, size, cleanups);
    Object.assign(report, { image_size_mb: options.sizeMb, image_size_bytes: size, runs: options.runs });
    const context = { size, options, root, cleanups, under: busy.under };
    for (const part of parts) Object.assign(report, await FIGURES[part].measure(portal, context));
  }
  if (options.only.has('pages')) Object.assign(report, await measurePages(options, root, cleanups));
  if (options.only.has('scale')) Object.assign(report, await measureScale(options, root, cleanups));
  report.targets = targetsMet(report);
  report.machine = { ...(await machineReport(atStart)), ...(options.busy ? busy.report() : {}) };
  report.bench_seconds = round((performance.now() - benchStarted) / 1000, 1);
  return report;
}

/** With --json, stdout holds the JSON object alone, on one line; the table goes to stderr. */
function print(report: Report, json: boolean): void {
  const text = table(report);
  if (json) {
    process.stderr.write(`\n${text}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(`\n${text}\n\n${JSON.stringify(report, null, 2)}\n`);
  }
}

async function entry() {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const root = makeScratchDir();
  const { cleanups, cleanup } = cleanupOnExit(root);
  let report: Report;
  try {
    report = await main(options, root, cleanups);
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    process.exit(1);
  }
  await cleanup();
  print(report, options.json);
  process.exit(0);
}

void entry();
