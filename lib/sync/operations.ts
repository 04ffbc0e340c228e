import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { ACTIVE_JOB_STATUSES } from '@/lib/db/enums';
import { dataCenters, jobs } from '@/lib/db/schema';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { getJobRunner } from '@/lib/jobs/runner';
import { insertJob } from '@/lib/jobs/rows';
import { syncImagesSchema, syncSizesSchema } from './schemas';

type SyncKind = 'sync-images' | 'sync-sizes';

/**
 * Queues a sync job for a data center. One of each kind at a time per data center: a second one
 * would only read the same nodes again and race the first one's writes.
 */
function enqueueSync(kind: SyncKind, dataCenterId: string, userId: string, params: Record<string, unknown>): string {
  const jobId = getDb().transaction((tx) => {
    if (!tx.select({ id: dataCenters.id }).from(dataCenters).where(eq(dataCenters.id, dataCenterId)).get())
      throw new NotFoundError('The data center');
    const active = tx
      .select({ id: jobs.id, status: jobs.status })
      .from(jobs)
      .where(and(eq(jobs.kind, kind), eq(jobs.dataCenterId, dataCenterId), inArray(jobs.status, ACTIVE_JOB_STATUSES)))
      .get();
    if (active)
      throw new ConflictError(`A ${kind} job for this data center is already ${active.status} (job ${active.id}).`);
    return insertJob(tx, { kind, dataCenterId, createdBy: userId, params });
  });
  getJobRunner().kick();
  return jobId;
}

export const startImageSync = defineOperation({
  name: 'datacenter.sync-images',
  targetType: 'datacenter',
  input: syncImagesSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.dataCenterId, dataCenterId: input.dataCenterId, details: { verify: input.verify } });
    authorize(user, 'infrastructure.manage', {});
  },
  run: (input, user) => ({ jobId: enqueueSync('sync-images', input.dataCenterId, user.id, { verify: input.verify }) }),
  audited: (result) => ({ details: { jobId: result.jobId } }),
});

export const startSizeSync = defineOperation({
  name: 'datacenter.sync-sizes',
  targetType: 'datacenter',
  input: syncSizesSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.dataCenterId, dataCenterId: input.dataCenterId });
    authorize(user, 'infrastructure.manage', {});
  },
  run: (input, user) => ({ jobId: enqueueSync('sync-sizes', input.dataCenterId, user.id, {}) }),
  audited: (result) => ({ details: { jobId: result.jobId } }),
});
