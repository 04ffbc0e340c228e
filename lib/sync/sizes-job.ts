import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { nodes, sizeDataCenters, sizes } from '@/lib/db/tables';
import { errorMessage, NotFoundError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { JobContext } from '@/lib/jobs/context';
import { readCapacity, type NodeCapacity } from '@/lib/nodes/capacity';
import { withNodeSession } from '@/lib/nodes/connection';
import { fitInDataCenter, type NodeCapacityRead } from '@/lib/sizes/fit';

export type SyncSizesResult = {
  kind: 'sync-sizes';
  nodes: ({ nodeId: string; nodeName: string } & (NodeCapacity | { error: string }))[];
  sizes: { sizeId: string; name: string; available: boolean; reason: string | null; fittingNodes: string[] }[];
};

/**
 * Sync Available Sizes: reads CPUs, memory and free disk from every enabled node of the data
 * center (and keeps them on the node, as "Test connection" does), then records for every size
 * whether the data center can host it and, if not, why (lib/sizes/fit.ts). A node that cannot be
 * read counts as unable to host anything now, and the reason says so.
 */
export async function runSyncSizesJob(ctx: JobContext): Promise<SyncSizesResult> {
  const dataCenterId = ctx.job.dataCenterId;
  if (!dataCenterId) throw new NotFoundError('The data center');
  const db = getDb();
  const enabled = await db
    .select()
    .from(nodes)
    .where(and(eq(nodes.dataCenterId, dataCenterId), eq(nodes.status, 'enabled')))
    .orderBy(asc(nodes.name));
  ctx.phase('capacity', `Reading the capacity of ${enabled.length} enabled node${enabled.length === 1 ? '' : 's'}.`);
  const read: NodeCapacityRead[] = [];
  const nodeResults: SyncSizesResult['nodes'] = [];
  for (const node of enabled) {
    ctx.throwIfStopped();
    try {
      const capacity = await withNodeSession(node, (session) => readCapacity(session, node.imageDir));
      await db
        .update(nodes)
        .set({ ...capacity, updatedAt: now() })
        .where(eq(nodes.id, node.id));
      read.push({ name: node.name, ...capacity });
      nodeResults.push({ nodeId: node.id, nodeName: node.name, ...capacity });
      ctx.log(
        'info',
        `${node.name}: ${capacity.cpus} CPUs, ${formatBytes(capacity.memoryBytes)} memory, ${formatBytes(capacity.diskFreeBytes)} free in ${node.imageDir}.`,
      );
    } catch (err) {
      ctx.throwIfStopped();
      nodeResults.push({ nodeId: node.id, nodeName: node.name, error: errorMessage(err) });
      ctx.log('warn', `${node.name} could not be read: ${errorMessage(err)} It counts as unable to host any size.`);
    }
  }

  ctx.phase('sizes');
  const unread = enabled.length - read.length;
  const checkedAt = now();
  const sizeResults = await db.transaction(async (tx) => {
    const results = [];
    for (const size of await tx.select().from(sizes).orderBy(asc(sizes.name))) {
      const fit = fitInDataCenter(size, read, unread);
      const row = { available: fit.available, reason: fit.reason, checkedAt };
      await tx
        .insert(sizeDataCenters)
        .values({ sizeId: size.id, dataCenterId, ...row })
        .onConflictDoUpdate({ target: [sizeDataCenters.sizeId, sizeDataCenters.dataCenterId], set: row });
      results.push({ sizeId: size.id, name: size.name, ...fit });
    }
    return results;
  });
  const fitting = sizeResults.filter((s) => s.available).length;
  ctx.log(
    'info',
    `${fitting} of ${sizeResults.length} size${sizeResults.length === 1 ? '' : 's'} fit in this data center.`,
  );
  return { kind: 'sync-sizes', nodes: nodeResults, sizes: sizeResults };
}
