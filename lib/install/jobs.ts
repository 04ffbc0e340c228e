import 'server-only';
import { z } from 'zod';
import { authorize, type UserContext } from '@/lib/auth/policy';
import { continuePurge } from '@/lib/images/purge-completion';
import { defineJobKind, type NoteTarget } from '@/lib/jobs/kind';
import type { JobRow } from '@/lib/jobs/rows';
import { requireInstallTargets, settleNodeImage } from './node-images';
import { runInstallJob } from './pipeline';
import { enqueueInstall } from './enqueue';
import { enqueueUninstall, runUninstallJob } from './uninstall';

/** Controlling an install or an uninstall takes the right to install that image on that node. */
async function authorizeOnNode(job: JobRow, user: UserContext, note: NoteTarget): Promise<void> {
  note({ targetId: job.id, dataCenterId: job.dataCenterId ?? undefined });
  const { node, imageAttached } = await requireInstallTargets(job.imageId, job.nodeId);
  authorize(user, 'node.install', { dataCenterId: node.dataCenterId, imageAttached });
}

/**
 * Puts an image on a node (lib/install/pipeline.ts). Cancel removes the `.part`; pause keeps it for
 * a resume. When it ends, an image waiting to be deleted permanently may go on with that.
 */
export const installJob = defineJobKind({
  kind: 'install',
  params: z.object({ mode: z.enum(['push', 'pull']) }),
  run: async (ctx) => await runInstallJob(ctx),
  cancellable: true,
  pausable: true,
  authorizeControl: authorizeOnNode,
  onSettled: continuePurge,
  onCancelledBeforeStart: (tx, job) => settleNodeImage(job, 'cancel', tx),
  retry: async (tx, job, userId) => {
    const { image, node } = await requireInstallTargets(job.imageId, job.nodeId);
    return await enqueueInstall(tx, image, node, userId);
  },
});

/** Removes an image's file from a node; it is quick and leaves nothing to resume, so it runs to its end. */
export const uninstallJob = defineJobKind({
  kind: 'uninstall',
  params: z.object({}),
  run: async (ctx) => await runUninstallJob(ctx),
  cancellable: false,
  pausable: false,
  authorizeControl: authorizeOnNode,
  onSettled: continuePurge,
  onCancelledBeforeStart: (tx, job) => settleNodeImage(job, 'cancel', tx),
  retry: async (tx, job, userId) => {
    const { node } = await requireInstallTargets(job.imageId, job.nodeId);
    return enqueueUninstall(tx, { imageId: job.imageId!, nodeId: node.id, dataCenterId: node.dataCenterId }, userId);
  },
});
