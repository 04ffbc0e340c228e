/**
 * Import (bench/README.md): the image pulled over IMGAPI from a second portal into this one's store
 * by the import job (download, SHA-1 against the manifest, SHA-256 and MD5, fsync), against curl
 * downloading the same file from the same server to the same disk, in the same run; with --busy
 * each run also once with one core kept busy.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { startUpstreamPortal } from '../scripts/lib/upstream-portal';
import { keysFor, type Load, type UnderLoad } from './lib/busy';
import type { Cleanups } from './lib/cleanup';
import { mbps, MiB, median, round } from './lib/figures';
import { log } from './lib/log';
import { machineBusySeconds } from './lib/machine';
import type { Portal } from './lib/portal';
import { mustRun, sampleRss, sync } from './lib/processes';

/** The second portal's address (the tests use other loopback addresses). */
const SOURCE_HOST = '127.0.0.66';

type Runs = {
  curl: number[];
  /** Node's own HTTP client into a file, nothing else: the ceiling of any import written in Node here. */
  nodeReceive: number[];
  import: number[];
  /** CPU-seconds: the whole machine's during each side, and this process's (all threads) during the import. */
  curlMachineCpu: number[];
  importMachineCpu: number[];
  importProcessCpu: number[];
  rssGrowth: number;
  rssPeak: number;
};

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

  const byLoad = new Map<Load, Runs>(
    loads.map((l) => [
      l,
      {
        curl: [],
        nodeReceive: [],
        import: [],
        curlMachineCpu: [],
        importMachineCpu: [],
        importProcessCpu: [],
        rssGrowth: 0,
        rssPeak: 0,
      },
    ]),
  );
  for (let run = 1; run <= runs; run++) {
    for (const load of loads) {
      const r = byLoad.get(load)!;
      await under(load, async () => {
        await sync();
        const t0 = performance.now();
        const curlCpu = machineCpu();
        await mustRun('curl', ['-sS', '--fail', '-o', curlCopy, fileUrl]);
        // The import fsyncs its file before keeping it; the baseline's copy is made as durable.
        await mustRun('sync', [curlCopy]);
        r.curlMachineCpu.push(curlCpu.stop());
        fs.rmSync(curlCopy);
        r.curl.push((performance.now() - t0) / 1000);

        await sync();
        const t1 = performance.now();
        await receiveWithNode(fileUrl, curlCopy);
        await mustRun('sync', [curlCopy]);
        fs.rmSync(curlCopy);
        r.nodeReceive.push((performance.now() - t1) / 1000);

        await sync();
        const rss = sampleRss();
        const importCpu = machineCpu();
        const processCpu = process.cpuUsage();
        const job = await portal.importFrom(source.url, uuid);
        r.importMachineCpu.push(importCpu.stop());
        const used = process.cpuUsage(processCpu);
        r.importProcessCpu.push((used.user + used.system) / 1e6);
        const { baseline, peak } = rss.stop();
        if (job.status !== 'succeeded') throw new Error(`The import job ${job.status}: ${job.error}`);
        // The job's own time: manifest, download, hashes, fsync and record; not adding the repository.
        r.import.push((job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000);
        r.rssGrowth = Math.max(r.rssGrowth, peak - baseline);
        r.rssPeak = Math.max(r.rssPeak, peak);
        log(
          `Import run ${run}/${runs} (${load}): curl ${mbps(size, r.curl.at(-1)!).toFixed(0)} MiB/s, import ${mbps(size, r.import.at(-1)!).toFixed(0)} MiB/s.`,
        );
        await portal.forgetImport(uuid);
      });
    }
  }
  return Object.assign({}, ...loads.map((load) => keysFor(load, figures(size, byLoad.get(load)!))));
}

function figures(size: number, r: Runs) {
  return {
    import_vs_curl: round(median(r.curl) / median(r.import)),
    node_receive_vs_curl: round(median(r.curl) / median(r.nodeReceive)),
    import_mb_s: round(mbps(size, median(r.import)), 1),
    curl_mb_s: round(mbps(size, median(r.curl)), 1),
    // Where a 2-core machine's time goes: curl only receives and writes, the import also hashes
    // MD5, SHA-1 and SHA-256 (bench/README.md, Import results).
    import_machine_cpu_s_per_gib: perGib(size, r.importMachineCpu),
    curl_machine_cpu_s_per_gib: perGib(size, r.curlMachineCpu),
    import_process_cpu_s_per_gib: perGib(size, r.importProcessCpu),
    import_peak_rss_mb: round(r.rssPeak / MiB, 1),
    import_rss_growth_mb: round(r.rssGrowth / MiB, 1),
  };
}

/** A GET streamed to a file by node:http, as the import receives (no digests, no ring, no checks). */
async function receiveWithNode(url: string, file: string): Promise<void> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(url, resolve).on('error', reject),
  );
  if (response.statusCode !== 200) throw new Error(`${url} answered HTTP ${response.statusCode}.`);
  await pipeline(response, fs.createWriteStream(file));
}

/** Median CPU-seconds per GiB moved; null where /proc could not say. */
function perGib(size: number, seconds: number[]): number | null {
  return seconds.every(Number.isFinite) && seconds.length > 0 ? round(median(seconds) / (size / 1024 ** 3), 2) : null;
}

/** The machine's busy CPU-seconds from now until stop() (NaN where /proc is unavailable). */
function machineCpu() {
  const start = machineBusySeconds();
  return { stop: () => (start === null ? NaN : machineBusySeconds()! - start) };
}
