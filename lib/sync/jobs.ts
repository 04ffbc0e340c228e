import 'server-only';
import { z } from 'zod';
import { defineJobKind } from '@/lib/jobs/kind';
import { enqueueSync } from './enqueue';
import { runSyncImagesJob } from './images-job';
import { runSyncSizesJob } from './sizes-job';

/** Sync Available Images of a data center; with `verify`, every file found is hashed again. */
export const syncImagesJob = defineJobKind({
  kind: 'sync-images',
  params: z.object({ verify: z.boolean().default(false) }),
  run: async (ctx, { verify }) => await runSyncImagesJob(ctx, verify),
  cancellable: false,
  pausable: false,
  retry: async (tx, job, userId) => await enqueueSync(tx, 'sync-images', job.dataCenterId!, userId, job.params),
});

/** Sync Available Sizes of a data center. */
export const syncSizesJob = defineJobKind({
  kind: 'sync-sizes',
  params: z.object({}),
  run: async (ctx) => await runSyncSizesJob(ctx),
  cancellable: false,
  pausable: false,
  retry: async (tx, job, userId) => await enqueueSync(tx, 'sync-sizes', job.dataCenterId!, userId, {}),
});
