import 'server-only';
import { getConfig } from '@/lib/config';
import { openProcessDatabase } from '@/lib/db/client';
import { jobOwnerId } from './owner';
import { getJobRunner } from './runner';

/**
 * A process that only runs jobs (`npm run worker`): it opens the database the web processes use
 * (migrating it, as any portal process does with SQLite), registers as a runner, bound to the data
 * centers PORTAL_WORKER_DATA_CENTERS names, and claims jobs until it is told to stop. SIGTERM or
 * SIGINT hand its running jobs back at once, queued to resume in another process.
 */
export async function runWorker(): Promise<void> {
  const config = getConfig();
  await openProcessDatabase();
  const runner = getJobRunner();
  await runner.start('worker');
  const bound = config.workerDataCenters.length > 0 ? `data centers ${config.workerDataCenters.join(', ')}` : 'any job';
  console.log(
    `[worker] ${jobOwnerId()} runs ${bound}, up to ${config.processJobsMax} at once; data in ${config.dataDir}.`,
  );
  // The runner's timers do not hold a web process open; this one holds the worker until it stops.
  const alive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      clearInterval(alive);
      console.log(`[worker] ${signal}: handing running jobs back and stopping.`);
      runner.shutdown().then(
        (released) => {
          if (released > 0) console.log(`[worker] Handed ${released} job(s) back; they resume in another process.`);
          resolve();
        },
        (err) => {
          console.error('[worker] Could not hand jobs back; their leases expire instead:', err);
          resolve();
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
