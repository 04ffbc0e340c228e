import 'server-only';
import { enqueueSync, type SyncKind } from './enqueue';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { syncImagesSchema, syncSizesSchema } from './schemas';

/** Queues the sync and wakes the runner. */
async function startSync(
  kind: SyncKind,
  dataCenterId: string,
  userId: string,
  params: Record<string, unknown>,
): Promise<string> {
  const jobId = await getDb().transaction(async (tx) => await enqueueSync(tx, kind, dataCenterId, userId, params));
  wakeJobRunners();
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
  run: async (input, user) => ({
    jobId: await startSync('sync-images', input.dataCenterId, user.id, { verify: input.verify }),
  }),
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
  run: async (input, user) => ({ jobId: await startSync('sync-sizes', input.dataCenterId, user.id, {}) }),
  audited: (result) => ({ details: { jobId: result.jobId } }),
});
