import 'server-only';
import { ensureFirstAdmin } from '@/lib/auth/users';
import { getConfig } from '@/lib/config';
import { openProcessDatabase } from '@/lib/db/client';
import { backfillSha1 } from '@/lib/imgapi/serve/sha1-backfill';
import { getJobRunner } from '@/lib/jobs/runner';
import { discardAbandonedRegistrationKeys } from '@/lib/nodes/registration-keys';
import { imageStore, removeAbandonedTempFiles } from '@/lib/store/image-store';

/**
 * What the portal does once when its server starts: validate the configuration, migrate the
 * database, create the first SuperAdmin if there is no user, clear uploads that no live process is
 * receiving, and start the job runner (unless PORTAL_RUN_JOBS=false leaves jobs to workers), which
 * resumes the jobs of processes that stopped once their leases expire. Other portal processes and
 * workers may share the data directory meanwhile.
 * Files stored before the IMGAPI existed get their SHA-1 in the background: hashing large files
 * must not hold up the start.
 */
export async function startPortal(): Promise<void> {
  const config = getConfig();
  await openProcessDatabase();
  await ensureFirstAdmin(config);
  const keys = await discardAbandonedRegistrationKeys();
  if (keys > 0) console.log(`[portal] Deleted ${keys} SSH key(s) of node registrations abandoned unfinished.`);
  // A store out of reach (an S3 server down) must not keep the pages from serving: it is said, and
  // what was left in flight is cleared at the next start.
  const abandoned = await removeAbandonedTempFiles().catch((err: unknown) => {
    console.error(
      `[portal] Could not clear what stopped uploads left in the image store (${imageStore().where}):`,
      err,
    );
    return 0;
  });
  if (abandoned > 0)
    console.log(`[portal] Removed ${abandoned} upload(s) cut off by a stop; their images wait for a new upload.`);
  // The heartbeat takes over jobs whose process died (once their lease has expired) and runs what is queued.
  if (config.runJobs) await getJobRunner().start('web');
  else console.log('[portal] PORTAL_RUN_JOBS=false: this process queues jobs; `npm run worker` processes run them.');
  backfillSha1().then(
    ({ hashed }) =>
      hashed > 0 && console.log(`[portal] Computed the SHA-1 of ${hashed} stored image file(s) for IMGAPI.`),
    (err) => console.error('[portal] The SHA-1 backfill for IMGAPI failed:', err),
  );
  console.log(`[portal] Data in ${config.dataDir}; images in ${imageStore().where}; listening on port ${config.port}.`);
}
