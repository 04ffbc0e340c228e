/**
 * Publish (bench/README.md): the publish job sending the image to a real Glance (Debian's
 * glance-api, no Keystone) against `curl -T` of the same file to the same Glance, in the same run;
 * and the peak RSS of this process, where the job runs.
 */
import { performance } from 'node:perf_hooks';
import { startGlance } from '../scripts/lib/services/glance';
import type { Cleanups } from './lib/cleanup';
import { mbps, MiB, median, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { mustRun, sampleRss, sync } from './lib/processes';

/** Glance's address (the tests use other loopback addresses). */
const GLANCE_HOST = '127.0.0.67';

export async function measurePublish(portal: Portal, size: number, runs: number, cleanups: Cleanups) {
  log('Publish: starting a Glance (glance-api with SQLite and a file store, no Keystone)…');
  const glance = await startGlance({ host: GLANCE_HOST });
  cleanups.push(() => glance.stop());
  const accountId = await portal.addGlanceAccount(glance.url);

  const curlSeconds: number[] = [];
  const publishSeconds: number[] = [];
  let rssGrowth = 0;
  let rssPeak = 0;
  for (let run = 1; run <= runs; run++) {
    await sync();
    const id = await createGlanceImage(glance.url, `curl-${run}`);
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
    curlSeconds.push((performance.now() - t0) / 1000);
    await fetch(`${glance.url}/v2/images/${id}`, { method: 'DELETE' });

    await sync();
    const rss = sampleRss();
    const job = await portal.publishTo(accountId);
    const { baseline, peak } = rss.stop();
    if (job.status !== 'succeeded') throw new Error(`The publish job ${job.status}: ${job.error}`);
    // The job's own time: create, upload (SHA-512 alongside), verify, record, and the previous copy removed.
    publishSeconds.push((job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000);
    rssGrowth = Math.max(rssGrowth, peak - baseline);
    rssPeak = Math.max(rssPeak, peak);
    log(
      `Publish run ${run}/${runs}: curl -T ${mbps(size, curlSeconds.at(-1)!).toFixed(0)} MiB/s, publish ${mbps(size, publishSeconds.at(-1)!).toFixed(0)} MiB/s (${phaseTimes(portal, job.id, job.finishedAt!)}).`,
    );
  }
  return {
    publish_vs_curl: round(median(curlSeconds) / median(publishSeconds)),
    publish_mb_s: round(mbps(size, median(publishSeconds)), 1),
    publish_curl_mb_s: round(mbps(size, median(curlSeconds)), 1),
    publish_peak_rss_mb: round(rssPeak / MiB, 1),
    publish_rss_growth_mb: round(rssGrowth / MiB, 1),
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

/** Seconds spent in each phase of a job, from its log: where a slow run lost its time. */
function phaseTimes(portal: Portal, jobId: string, finishedAt: Date): string {
  const phases = portal.eventsOf(jobId).filter((e) => e.message.startsWith('Phase '));
  return phases
    .map((e, i) => {
      const end = phases[i + 1]?.at ?? finishedAt;
      return `${e.message.split(/[ :]/)[1]} ${((end.getTime() - e.at.getTime()) / 1000).toFixed(1)} s`;
    })
    .join(', ');
}
