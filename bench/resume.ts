/**
 * Resume (bench/README.md): a push cut at 50% by stopping the node's sshd, the job's retry
 * (PORTAL_JOBS_MAX_ATTEMPTS=5, PORTAL_JOBS_RETRY_DELAY_S=0.5), and the bytes it sent again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MiB, round } from './lib/figures';
import { log } from './lib/log';
import type { Portal } from './lib/portal';
import { bytesWritten, sha256sum, sync } from './lib/processes';

/** This measurement's node (the tests use other loopback addresses). */
export const RESUME_HOST = '127.0.0.65';

/** The resume_* keys of the report; the job's error and events join them when the file is not verified. */
export async function measureResume(portal: Portal, size: number) {
  const { node, nodeId } = portal.nodes[RESUME_HOST]!;
  await sync();
  log('Resume: pushing, to be cut at 50%…');
  const t0 = performance.now();
  const wcharBefore = bytesWritten();
  const jobId = await portal.queueInstall(nodeId);
  const keptAtCut = await cutHalfway(portal, jobId, size);
  log(
    `Resume: cut with ${(keptAtCut / MiB).toFixed(0)} MiB (${((keptAtCut / size) * 100).toFixed(1)}%) on the node; waiting for the retry to be scheduled.`,
  );
  await waitForRetry(portal, jobId);
  await node.restart();
  await portal.waitFor(jobId);
  const wireBytes = wcharBefore === null ? null : bytesWritten()! - wcharBefore;
  const seconds = (performance.now() - t0) / 1000;
  const job = await portal.jobRow(jobId);
  const events = await portal.eventsOf(jobId);
  const installed = path.join(node.imageDir, portal.installedName);
  const verified =
    job.status === 'succeeded' && fs.existsSync(installed) && (await sha256sum(installed)) === portal.imageSha256;
  log(
    `Resume: job ${job.status} after ${job.attempt} attempt(s), ${(job.bytesTransferred / MiB).toFixed(1)} MiB sent in all; file on the node ${verified ? 'matches' : 'does NOT match'} the image's sha256.`,
  );
  for (const e of events) log(`  job event ${e.at.toISOString().slice(11, 23)} ${e.level.padEnd(5)} ${e.message}`);
  await portal.clearNode(RESUME_HOST);
  return {
    resume_resent_fraction: round((job.bytesTransferred - size) / size, 4),
    resume_verified: verified,
    resume_resent_mb: round((job.bytesTransferred - size) / MiB, 2),
    resume_bytes_transferred: job.bytesTransferred,
    resume_resent_fraction_wire: wireBytes === null ? null : round((wireBytes - size) / size, 4),
    resume_wire_bytes: wireBytes,
    resume_cut_at_fraction: round(keptAtCut / size, 3),
    resume_job_status: job.status,
    resume_attempts: job.attempt,
    resume_seconds: round(seconds),
    ...(verified
      ? {}
      : { resume_error: job.error, resume_events: events.map((e) => `${e.at.toISOString()} ${e.level} ${e.message}`) }),
  };
}

/**
 * Stops the node once half the image is on it; the bytes it holds then. The .part on the node (a
 * local file here) is a finer gauge than the job's throttled bytesDone.
 */
async function cutHalfway(portal: Portal, jobId: string, size: number): Promise<number> {
  const { node } = portal.nodes[RESUME_HOST]!;
  const part = path.join(node.imageDir, `${portal.installedName}.part`);
  const partSize = () => {
    try {
      return fs.statSync(part).size;
    } catch {
      return 0;
    }
  };
  while (partSize() < size / 2) {
    const status = (await portal.jobRow(jobId)).status;
    if (status !== 'queued' && status !== 'running')
      throw new Error(`The resume run's job ended (${status}) before it could be cut at 50%.`);
    await sleep(1);
  }
  await node.stop(); // kills sshd and every session it has, as a node going down would
  return partSize();
}

/** Returns once the job has queued its retry, or has ended without one. */
async function waitForRetry(portal: Portal, jobId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await portal.jobRow(jobId);
    if (job.status === 'queued' && job.attempt >= 1) break;
    if (job.status !== 'running' && job.status !== 'queued') break;
    if (Date.now() > deadline) throw new Error('The resume run: no retry was scheduled within 60 s of the cut.');
    await sleep(5);
  }
}
