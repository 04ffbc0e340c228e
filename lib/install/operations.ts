import 'server-only';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { installImageSchema } from '@/lib/images/schemas';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { enqueueInstall } from './enqueue';
import { requireInstallTargets } from './node-images';

/** Queues an install job for one image on one node; the job runner carries it out. */
export const installImage = defineOperation({
  name: 'image.install.enqueue',
  targetType: 'image',
  input: installImageSchema,
  authorize: async (input, user, note) => {
    const { node, imageAttached } = await requireInstallTargets(input.imageId, input.nodeId);
    note({ targetId: input.imageId, dataCenterId: node.dataCenterId, details: { nodeId: node.id } });
    authorize(user, 'node.install', { dataCenterId: node.dataCenterId, imageAttached });
  },
  run: async (input, user) => {
    const { image, node } = await requireInstallTargets(input.imageId, input.nodeId);
    const jobId = await getDb().transaction(async (tx) => await enqueueInstall(tx, image, node, user.id));
    wakeJobRunners();
    return { jobId };
  },
  audited: (result) => ({ details: { jobId: result.jobId } }),
});

export { attachAndInstall } from './attach-and-install';
