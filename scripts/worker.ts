/**
 * `npm run worker`: a process that runs the portal's jobs and serves no pages. Start any number,
 * on any host that reaches the database, the image store and the nodes, with the environment the
 * web processes have (docs/deployment.md). PORTAL_WORKER_DATA_CENTERS binds one to data centers.
 */
import { errorMessage } from '../lib/errors';

async function main() {
  // Imported here, so a configuration error is reported like any other failure below.
  const { runWorker } = await import('../lib/jobs/worker');
  const { closeAllDatabases } = await import('../lib/db/client');
  await runWorker();
  await closeAllDatabases();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`The worker stopped: ${errorMessage(err)}`);
    process.exit(1);
  },
);
