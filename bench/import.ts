/**
 * Import (bench/README.md): the image pulled over IMGAPI from a second portal into this one's store
 * by the import job (download, SHA-1 against the manifest, SHA-256 and MD5, fsync), against curl
 * downloading the same file from the same server to the same disk, in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startUpstreamPortal } from '../scripts/lib/upstream-portal';
import type { Cleanups } from './lib/cleanup';
import { mbps, MiB, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { mustRun, sampleRss, sync } from './lib/processes';

/** The second portal's address (the tests use other loopback addresses). */
const SOURCE_HOST = '127.0.0.66';

export async function measureImport(portal: Portal, size: number, runs: number, root: string, cleanups: Cleanups) {
  log('Import: starting a second portal that serves the image over IMGAPI (it copies the file into its own store)…');
  const source = await startUpstreamPortal(SOURCE_HOST, [
    { file: portal.storePath, name: 'bench-import-source', diskFormat: 'raw' },
  ]);
  cleanups.push(() => source.stop());
  const uuid = source.images[0]!.id;
  const fileUrl = `${source.url}/images/${uuid}/file`;
  const curlCopy = path.join(root, 'import-curl.bin');

  const curlSeconds: number[] = [];
  const importSeconds: number[] = [];
  let rssGrowth = 0;
  let rssPeak = 0;
  for (let run = 1; run <= runs; run++) {
    await sync();
    const t0 = performance.now();
    await mustRun('curl', ['-sS', '--fail', '-o', curlCopy, fileUrl]);
    // The import fsyncs its file before keeping it; the baseline's copy is made as durable.
    await mustRun('sync', [curlCopy]);
    fs.rmSync(curlCopy);
    curlSeconds.push((performance.now() - t0) / 1000);

    await sync();
    const rss = sampleRss();
    const job = await portal.importFrom(source.url, uuid);
    const { baseline, peak } = rss.stop();
    if (job.status !== 'succeeded') throw new Error(`The import job ${job.status}: ${job.error}`);
    // The job's own time: manifest, download, hashes, fsync and record; not adding the repository.
    importSeconds.push((job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000);
    rssGrowth = Math.max(rssGrowth, peak - baseline);
    rssPeak = Math.max(rssPeak, peak);
    log(
      `Import run ${run}/${runs}: curl ${mbps(size, curlSeconds.at(-1)!).toFixed(0)} MiB/s, import ${mbps(size, importSeconds.at(-1)!).toFixed(0)} MiB/s.`,
    );
    portal.forgetImport(uuid);
  }
  return {
    import_vs_curl: round(median(curlSeconds) / median(importSeconds)),
    import_mb_s: round(mbps(size, median(importSeconds)), 1),
    curl_mb_s: round(mbps(size, median(curlSeconds)), 1),
    import_peak_rss_mb: round(rssPeak / MiB, 1),
    import_rss_growth_mb: round(rssGrowth / MiB, 1),
  };
}
