/**
 * Publish (bench/README.md): the publish job sending the image to a real Glance (Debian's
 * glance-api, no Keystone) against `curl -T` of the same file to the same Glance, in the same run;
 * and the peak RSS of this process, where the job runs. With --busy each run also once with one
 * core kept busy.
 */
import { performance } from 'node:perf_hooks';
import { startGlance } from '../scripts/lib/services/glance';
import { keysFor, type Load, type UnderLoad } from './lib/busy';
import type { Cleanups } from './lib/cleanup';
import { mbps, MiB, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { mustRun, sampleRss, sync } from './lib/processes';

/** Glance's address (the tests use other loopback addresses). */
const GLANCE_HOST = '127.0.0.67';

type Runs = { curl: number[]; upload: number[]; job: number[]; rssGrowth: number; rssPeak: number };

export async function measurePublish(
  portal: Portal,
  size: number,
  runs: number,
  cleanups: Cleanups,
  loads: Load[],
  under: UnderLoad,
) {
  log('Publish: starting a Glance (glance-api with SQLite and a file store, no Keystone)…');
  const glance = await startGlance({ host: GLANCE_HOST });
  cleanups.push(() => glance.stop());
  const accountId = await portal.addGlanceAccount(glance.url);

  const byLoad = new Map<Load, Runs>(
    loads.map((l) => [l, { curl: [], upload: [], job: [], rssGrowth: 0, rssPeak: 0 }]),
  );
  for (let run = 1; run <= runs; run++) {
    for (const load of loads) {
      const r = byLoad.get(load)!;
      await under(load, async () => {
        await sync();
        const id = await createGlanceImage(glance.url, `curl-${load}-${run}`);
        const t0 = performance.now();
        await mustRun('curl', [
          '-sS',
          '--fail',
          '-T',
          portal.storePath,
          '-H',
          'Content-Type: application/octet-stream',
          `${glance.url}/v2/images/${id}/file`,
        ]);
        r.curl.push((performance.now() - t0) / 1000);
        await fetch(`${glance.url}/v2/images/${id}`, { method: 'DELETE' });

        await sync();
        const rss = sampleRss();
        const job = await portal.publishTo(accountId);
        const { baseline, peak } = rss.stop();
        if (job.status !== 'succeeded') throw new Error(`The publish job ${job.status}: ${job.error}`);
        // As the push is timed against scp, the upload phase is timed against curl's PUT; the whole
        // job (create, upload, verify, record, the previous copy removed) is reported beside it.
        r.upload.push(await phaseSeconds(portal, job.id, 'upload'));
        r.job.push((job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000);
        r.rssGrowth = Math.max(r.rssGrowth, peak - baseline);
        r.rssPeak = Math.max(r.rssPeak, peak);
        log(
          `Publish run ${run}/${runs} (${load}): curl -T ${mbps(size, r.curl.at(-1)!).toFixed(0)} MiB/s, upload ${mbps(size, r.upload.at(-1)!).toFixed(0)} MiB/s (${await phaseTimes(portal, job.id, job.finishedAt!)}).`,
        );
      });
    }
  }
  return Object.assign({}, ...loads.map((load) => keysFor(load, figures(size, byLoad.get(load)!))));
}

function figures(size: number, r: Runs) {
  return {
    publish_vs_curl: round(median(r.curl) / median(r.upload)),
    publish_mb_s: round(mbps(size, median(r.upload)), 1),
    publish_job_seconds: round(median(r.job), 2),
    publish_curl_mb_s: round(mbps(size, median(r.curl)), 1),
    publish_peak_rss_mb: round(r.rssPeak / MiB, 1),
    publish_rss_growth_mb: round(r.rssGrowth / MiB, 1),
  };
}

/** The same image record the job creates, so the baseline times the upload alone. */
async function createGlanceImage(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/v2/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, disk_format: 'raw', container_format: 'bare' }),
  });
  if (!response.ok) throw new Error(`Glance refused to create an image: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Each phase of a job with its seconds, from the job's log (`Phase <name>` events, ms timestamps). */
async function phases(portal: Portal, jobId: string, finishedAt: Date) {
  const started = (await portal.eventsOf(jobId)).filter((e) => e.message.startsWith('Phase '));
  return started.map((e, i) => ({
    name: e.message.split(/[ :]/)[1]!,
    seconds: ((started[i + 1]?.at ?? finishedAt).getTime() - e.at.getTime()) / 1000,
  }));
}

async function phaseSeconds(portal: Portal, jobId: string, name: string): Promise<number> {
  const job = await portal.jobRow(jobId);
  return (await phases(portal, jobId, job.finishedAt!)).find((p) => p.name === name)!.seconds;
}

/** Where a run spent its time, for the log. */
async function phaseTimes(portal: Portal, jobId: string, finishedAt: Date): Promise<string> {
  return (await phases(portal, jobId, finishedAt)).map((p) => `${p.name} ${p.seconds.toFixed(1)} s`).join(', ');
}
