import 'server-only';
import { firstRow } from '@/lib/db/client';
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { ACTIVE_JOB_STATUSES } from '@/lib/db/enums';
import { jobs } from '@/lib/db/tables';
import { ConflictError } from '@/lib/errors';
import { insertJob } from '@/lib/jobs/rows';
import { requireDataCenter } from '@/lib/locations/queries';

export type SyncKind = 'sync-images' | 'sync-sizes';

/**
 * Queues a sync job for a data center inside the caller's transaction. One of each kind at a time
 * per data center: a second one would only read the same nodes again and race the first one's writes.
 */
export async function enqueueSync(
  tx: Tx,
  kind: SyncKind,
  dataCenterId: string,
  userId: string,
  params: Record<string, unknown>,
): Promise<string> {
  await requireDataCenter(dataCenterId);
  const active = await firstRow(
    tx
      .select({ id: jobs.id, status: jobs.status })
      .from(jobs)
      .where(and(eq(jobs.kind, kind), eq(jobs.dataCenterId, dataCenterId), inArray(jobs.status, ACTIVE_JOB_STATUSES))),
  );
  if (active)
    throw new ConflictError(`A ${kind} job for this data center is already ${active.status} (job ${active.id}).`);
  return insertJob(tx, { kind, dataCenterId, createdBy: userId, params });
}
