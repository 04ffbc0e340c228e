import 'server-only';
import { ensureFirstAdmin } from '@/lib/auth/users';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { getJobRunner } from '@/lib/jobs/runner';
import { markRunningJobsInterrupted } from '@/lib/jobs/store';

/**
 * What the portal does once when its server starts: validate the configuration, migrate the
 * database, create the first SuperAdmin if there is no user, settle jobs cut off by the last stop,
 * and start the job runner on whatever is queued.
 */
export async function startPortal(): Promise<void> {
  const config = getConfig();
  getDb();
  await ensureFirstAdmin(config);
  const interrupted = markRunningJobsInterrupted();
  if (interrupted > 0) console.log(`[portal] ${interrupted} job(s) were running at the last stop and are now interrupted.`);
  getJobRunner().kick();
  console.log(`[portal] Data in ${config.dataDir}; listening on port ${config.port}.`);
}
