import 'server-only';
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { getDb, type Tx } from '@/lib/db/client';
import { nodeImages } from '@/lib/db/tables';
import { errorMessage, InUseError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs/context';
import { insertJob } from '@/lib/jobs/rows';
import { machinesUsingImage } from '@/lib/machines/queries';
import { withNodeSession } from '@/lib/nodes/connection';
import { imageFilesAt } from '@/lib/nodes/paths';
import { currentNodeImage, requireInstallTargets, setNodeImageState, settleNodeImage } from './node-images';
import * as remote from './remote';

/** The clear refusal when machines on these nodes still use the image. */
export async function refuseIfMachinesUse(imageName: string, imageId: string, nodeIds: string[]): Promise<void> {
  const users = await machinesUsingImage(imageId, { nodeIds });
  if (users.length === 0) return;
  const list = users.map((m) => `${m.name} on ${m.nodeName}`).join(', ');
  throw new InUseError(
    `${imageName} stays available: machine${users.length > 1 ? 's' : ''} ${list} use${users.length > 1 ? '' : 's'} it.`,
  );
}

/** Marks the image unavailable on the node and queues the removal of its file and sidecar. */
export async function enqueueUninstall(
  tx: Tx,
  input: { imageId: string; nodeId: string; dataCenterId: string },
  userId: string,
): Promise<string> {
  const id = await insertJob(tx, { kind: 'uninstall', ...input, createdBy: userId });
  await setNodeImageState(input.nodeId, input.imageId, { state: 'removing', available: false, lastJobId: id }, tx);
  return id;
}

/**
 * Removes an image from a node: the file, its sidecar and any leftovers of an install. A machine
 * that appeared since the request still blocks it; the file then stays, unavailable for placement.
 */
export async function runUninstallJob(ctx: JobContext): Promise<Record<string, unknown>> {
  const { image, node } = await requireInstallTargets(ctx.job.imageId, ctx.job.nodeId);
  let removed: string | null = null;
  try {
    // The path the install recorded: the file keeps it whatever the image is called now.
    const recorded = (await currentNodeImage(getDb(), node.id, image.id))?.path;
    const files = recorded ? imageFilesAt(node.imageDir, recorded) : null;
    await refuseIfMachinesUse(image.name, image.id, [node.id]);
    ctx.throwIfStopped();
    if (files) {
      ctx.phase('remove', `Removing ${files.file} and its sidecar from ${node.name}.`);
      await withNodeSession(node, async (session) => {
        await remote.stopEarlierDownload(session, files);
        await remote.removeInstalled(session, files);
      });
      removed = files.file;
    } else {
      ctx.log('info', `No file of ${image.name} was ever recorded on ${node.name}; there is nothing to remove there.`);
    }
  } catch (err) {
    const outcome = ctx.outcomeOf(err);
    await settleNodeImage(ctx.job, outcome);
    if (outcome === 'fail')
      await auditUninstall(ctx, node.dataCenterId, image.id, node.id, 'error', { error: errorMessage(err) });
    throw err;
  }
  await getDb()
    .delete(nodeImages)
    .where(and(eq(nodeImages.nodeId, node.id), eq(nodeImages.imageId, image.id)));
  ctx.phase('record', `${image.name} is no longer on ${node.name}.`);
  await auditUninstall(ctx, node.dataCenterId, image.id, node.id, 'ok', { path: removed });
  return { removed };
}

async function auditUninstall(
  ctx: JobContext,
  dataCenterId: string,
  imageId: string,
  nodeId: string,
  outcome: 'ok' | 'error',
  details: Record<string, unknown>,
) {
  await recordAudit({
    userId: ctx.job.createdBy,
    action: 'image.uninstall',
    targetType: 'image',
    targetId: imageId,
    dataCenterId,
    outcome,
    details: { nodeId, jobId: ctx.job.id, ...details },
  });
}
