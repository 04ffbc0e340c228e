import 'server-only';
import { and, eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { nodeImages } from '@/lib/db/schema';
import { ConflictError, ValidationError } from '@/lib/errors';
import { installImageSchema } from '@/lib/images/schemas';
import { getJobRunner } from '@/lib/jobs/runner';
import { findActiveJob, insertJob } from '@/lib/jobs/store';
import { loadInstallTargets, setNodeImageState } from './node-images';

function currentState(tx: Pick<ReturnType<typeof getDb>, 'select'>, nodeId: string, imageId: string) {
  return tx
    .select({ state: nodeImages.state })
    .from(nodeImages)
    .where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId)))
    .get()?.state;
}

/** Queues an install job for one image on one node; the job runner carries it out (DESIGN §4). */
export const installImage = defineOperation({
  name: 'image.install.enqueue',
  targetType: 'image',
  input: installImageSchema,
  authorize: (input, user, note) => {
    const { node, imageAttached } = loadInstallTargets(input.imageId, input.nodeId);
    note({ targetId: input.imageId, dataCenterId: node.dataCenterId, details: { nodeId: node.id } });
    authorize(user, 'node.install', { dataCenterId: node.dataCenterId, imageAttached });
  },
  run: (input, user) => {
    const { image, node } = loadInstallTargets(input.imageId, input.nodeId);
    if (node.status !== 'enabled') {
      throw new ValidationError(`Node ${node.name} is ${node.status}; only enabled nodes accept new installs.`);
    }
    if (image.status !== 'ok' || image.access === 'deleted') {
      throw new ValidationError(`Image ${image.name} is ${image.access === 'deleted' ? 'deleted' : image.status} and cannot be installed.`);
    }
    if (!image.sourceUrl) throw new ValidationError(`Image ${image.name} has no source URL for the node to download.`);
    if (!image.sha256 && !image.md5) throw new ValidationError(`Image ${image.name} has no checksum to verify an install against.`);
    const jobId = getDb().transaction((tx) => {
      const active = findActiveJob(tx, node.id, image.id);
      if (active) throw new ConflictError(`An install of ${image.name} on ${node.name} is already ${active.status} (job ${active.id}).`);
      // Installing over a verified copy would mark it unavailable meanwhile, and failed if the new
      // attempt failed, while the good file is still there.
      if (currentState(tx, node.id, image.id) === 'installed') {
        throw new ConflictError(`${image.name} is already installed on ${node.name}.`);
      }
      const id = insertJob(tx, {
        kind: 'install',
        nodeId: node.id,
        imageId: image.id,
        dataCenterId: node.dataCenterId,
        createdBy: user.id,
        params: { mode: 'pull' },
      });
      setNodeImageState(node.id, image.id, { state: 'installing', available: false, lastJobId: id }, tx);
      return id;
    });
    getJobRunner().kick();
    return { jobId };
  },
  audited: (result) => ({ details: { jobId: result.jobId } }),
});
