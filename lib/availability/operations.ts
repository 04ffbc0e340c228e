import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { imageDataCenters, images, nodeImages, nodes } from '@/lib/db/tables';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { enqueueInstall, placementOf } from '@/lib/install/enqueue';
import { notUsableHere } from '@/lib/images/placement';
import { currentNodeImage } from '@/lib/install/node-images';
import { enqueueUninstall, refuseIfMachinesUse } from '@/lib/install/uninstall';
import { requestJobCancel } from '@/lib/jobs/operations';
import { wakeJobRunners } from '@/lib/jobs/runner';
import { getActiveJob } from '@/lib/jobs/rows';
import { applyAvailabilitySchema, type ApplyAvailabilityInput } from './schemas';

type Change = {
  nodeId: string;
  nodeName: string;
  change: 'install' | 'uninstall' | 'offer' | 'cancel' | 'forget';
  jobId?: string;
};

async function requireTargets(input: ApplyAvailabilityInput) {
  const db = getDb();
  const image = await firstRow(db.select().from(images).where(eq(images.id, input.imageId)));
  if (!image) throw new NotFoundError('The image');
  // By name, so the summary of what Apply did reads in a stable order.
  const shown =
    input.shown.length === 0
      ? []
      : await db.select().from(nodes).where(inArray(nodes.id, input.shown)).orderBy(asc(nodes.name));
  if (shown.length !== new Set(input.shown).size) throw new NotFoundError('One of the nodes');
  const attached = new Set(
    (await db.select().from(imageDataCenters).where(eq(imageDataCenters.imageId, image.id))).map((a) => a.dataCenterId),
  );
  return { image, shown, attached };
}

/**
 * Apply on the Image Availability page: checked nodes that lack the image get an install,
 * installed ones are offered again; unchecked ones stop offering it and, where no machine uses it,
 * get an uninstall (a running install is cancelled instead). All refusals are found before anything
 * changes, so a refused Apply changes nothing.
 */
export const applyImageAvailability = defineOperation({
  name: 'image.availability.apply',
  targetType: 'image',
  input: applyAvailabilitySchema,
  authorize: async (input, user, note) => {
    const { image, shown, attached } = await requireTargets(input);
    note({ targetId: image.id, dataCenterId: image.dcBoundId ?? undefined });
    for (const node of shown)
      authorize(user, 'node.install', {
        dataCenterId: node.dataCenterId,
        imageAttached: attached.has(node.dataCenterId),
      });
  },
  run: async (input, user) => {
    const { image, shown } = await requireTargets(input);
    const wanted = new Set(input.available);
    const leaving = [];
    for (const n of shown) if (!wanted.has(n.id) && (await currentNodeImage(getDb(), n.id, image.id))) leaving.push(n);
    await refuseIfMachinesUse(
      image.name,
      image.id,
      leaving.map((n) => n.id),
    );
    const changes = await getDb().transaction(
      async (tx) => {
        const done: Change[] = [];
        for (const node of shown) {
          const row = await currentNodeImage(tx, node.id, image.id);
          const active = await getActiveJob(tx, node.id, image.id);
          const note = (change: Change['change'], jobId?: string) =>
            done.push({ nodeId: node.id, nodeName: node.name, change, jobId });
          if (wanted.has(node.id)) {
            if (active?.kind === 'uninstall')
              throw new ValidationError(
                `${image.name} is being removed from ${node.name}; apply again once that job ends.`,
              );
            if (active) continue; // already on its way
            if (row?.state === 'installed') {
              if (!row.available) {
                const placement = await placementOf(tx, image, node);
                if (!placement.usable) throw new ValidationError(notUsableHere(image.name, placement.dataCenterName));
                await tx
                  .update(nodeImages)
                  .set({ available: true, updatedAt: now() })
                  .where(and(eq(nodeImages.nodeId, node.id), eq(nodeImages.imageId, image.id)));
                note('offer');
              }
              continue;
            }
            note('install', await enqueueInstall(tx, image, node, user.id));
          } else if (row) {
            if (active?.kind === 'install') {
              await requestJobCancel(tx, active.id, 'Cancel requested: the image was made unavailable on this node.');
              note('cancel', active.id);
            } else if (!active && row.state === 'installed') {
              note(
                'uninstall',
                await enqueueUninstall(
                  tx,
                  { imageId: image.id, nodeId: node.id, dataCenterId: node.dataCenterId },
                  user.id,
                ),
              );
            } else if (!active) {
              // failed (an install that did not finish) or missing: nothing is on the node, only the record goes.
              await tx.delete(nodeImages).where(and(eq(nodeImages.nodeId, node.id), eq(nodeImages.imageId, image.id)));
              note('forget');
            }
          }
        }
        return done;
      },
      { behavior: 'immediate' },
    );
    wakeJobRunners();
    return { imageId: image.id, changes };
  },
  audited: (result) => ({ details: { changes: result.changes } }),
});
