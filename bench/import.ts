/**
 * Import (bench/README.md): the image pulled over IMGAPI from a second portal into this one's store
 * by the import job (download, SHA-1 against the manifest, SHA-256 and MD5, fsync), against curl
 * downloading the same file from the same server to the same disk, in the same run; with --busy
 * each run also once with one core kept busy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startUpstreamPortal } from '../scripts/lib/upstream-portal';
import { keysFor, type Load, type UnderLoad } from './lib/busy';
import type { Cleanups } from './lib/cleanup';
import { mbps, MiB, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { mustRun, sampleRss, sync } from './lib/processes';

/** The second portal's address (the tests use other loopback addresses). */
const SOURCE_HOST = '127.0.0.66';

type Runs = { curl: number[]; import: number[]; rssGrowth: number; rssPeak: number };

export async function measureImport(
  portal: Portal,
  size: number,
  runs: number,
  root: string,
  cleanups: Cleanups,
  loads: Load[],
  under: UnderLoad,
) {
  log('Import: starting a second portal that serves the image over IMGAPI (it copies the file into its own store)…');
  const source = await startUpstreamPortal(SOURCE_HOST, [
    { file: portal.storePath, name: 'bench-import-source', diskFormat: 'raw' },
  ]);
  cleanups.push(() => source.stop());
  const uuid = source.images[0]!.id;
  const fileUrl = `${source.url}/images/${uuid}/file`;
  const curlCopy = path.join(root, 'import-curl.bin');

  const byLoad = new Map<Load, Runs>(loads.map((l) => [l, { curl: [], import: [], rssGrowth: 0, rssPeak: 0 }]));
  for (let run = 1; run <= runs; run++) {
    for (const load of loads) {
      const r = byLoad.get(load)!;
      await under(load, async () => {
        await sync();
        const t0 = performance.now();
        await mustRun('curl', ['-sS', '--fail', '-o', curlCopy, fileUrl]);
        // The import fsyncs its file before keeping it; the baseline's copy is made as durable.
        await mustRun('sync', [curlCopy]);
        fs.rmSync(curlCopy);
        r.curl.push((performance.now() - t0) / 1000);

        await sync();
        const rss = sampleRss();
        const job = await portal.importFrom(source.url, uuid);
        const { baseline, peak } = rss.stop();
        if (job.status !== 'succeeded') throw new Error(`The import job ${job.status}: ${job.error}`);
        // The job's own time: manifest, download, hashes, fsync and record; not adding the repository.
        r.import.push((job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000);
        r.rssGrowth = Math.max(r.rssGrowth, peak - baseline);
        r.rssPeak = Math.max(r.rssPeak, peak);
        log(
          `Import run ${run}/${runs} (${load}): curl ${mbps(size, r.curl.at(-1)!).toFixed(0)} MiB/s, import ${mbps(size, r.import.at(-1)!).toFixed(0)} MiB/s.`,
        );
        portal.forgetImport(uuid);
      });
    }
  }
  return Object.assign({}, ...loads.map((load) => keysFor(load, figures(size, byLoad.get(load)!))));
}

function figures(size: number, r: Runs) {
  return {
    import_vs_curl: round(median(r.curl) / median(r.import)),
    import_mb_s: round(mbps(size, median(r.import)), 1),
    curl_mb_s: round(mbps(size, median(r.curl)), 1),
    import_peak_rss_mb: round(r.rssPeak / MiB, 1),
    import_rss_growth_mb: round(r.rssGrowth / MiB, 1),
  };
}
