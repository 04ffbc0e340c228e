/**
 * One worker of the scale benchmark's job rate (bench/scale.ts): claims jobs and finishes them as a
 * runner whose jobs do nothing would (the claim, the start in the log, the finish), until none is
 * left; prints how many it finished and when it finished the last. Run with DATABASE_URL set; it
 * starts at BENCH_START_AT (epoch ms), so that every worker has loaded before the first claims.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAllDatabases } from '../../lib/db/client';
import { claimNextJob } from '../../lib/jobs/claims';
import { appendJobEvent, finishJob } from '../../lib/jobs/rows';

async function main() {
  await sleep(Math.max(0, Number(process.env.BENCH_START_AT) - Date.now()));
  let finished = 0;
  for (let job = await claimNextJob(); job; job = await claimNextJob()) {
    await appendJobEvent(job.id, 'info', 'Started (a no-op job of the scale benchmark).');
    if (await finishJob(job.id, { status: 'succeeded' })) finished++;
  }
  const endedAt = Date.now();
  await closeAllDatabases();
  console.log(JSON.stringify({ finished, endedAt }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
