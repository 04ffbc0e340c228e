import 'server-only';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { ConflictError, ValidationError } from '@/lib/errors';
import { attachImage } from '@/lib/images/attachment';
import { installImageSchema } from '@/lib/images/schemas';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { enqueueInstall } from './enqueue';
import { requireInstallTargets } from './node-images';

/**
 * "Attach to <data center> and install": the placement rule says a node offers an image only where
 * it is attached, so for someone who may attach it there, both are one confirmed step, in one
 * transaction: either the image is attached and the install queued, or neither.
 */
export const attachAndInstall = defineOperation({
  name: 'image.attach-and-install',
  targetType: 'image',
  input: installImageSchema,
  authorize: async (input, user, note) => {
    const { image, node } = await requireInstallTargets(input.imageId, input.nodeId);
    note({ targetId: image.id, dataCenterId: node.dataCenterId, details: { nodeId: node.id } });
    authorize(user, 'image.attach', { image, dataCenterId: node.dataCenterId });
    authorize(user, 'node.install', { dataCenterId: node.dataCenterId, imageAttached: true });
  },
  run: async (input, user) => {
    const { image, node } = await requireInstallTargets(input.imageId, input.nodeId);
    if (image.dcBoundId && image.dcBoundId !== node.dataCenterId) {
      throw new ValidationError(`${image.name} is bound to another data center; it cannot be attached here.`);
    }
    if (image.purgeRequestedAt) throw new ConflictError(`${image.name} is being deleted permanently.`);
    const jobId = await getDb().transaction(async (tx) => {
      if (!image.dcBoundId) await attachImage(tx, image, node.dataCenterId, user.id);
      return await enqueueInstall(tx, image, node, user.id);
    });
    wakeJobRunners();
    return { jobId, dataCenterId: node.dataCenterId };
  },
  audited: (result) => ({ details: { jobId: result.jobId, attached: result.dataCenterId } }),
});
