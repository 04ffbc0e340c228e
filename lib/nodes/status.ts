import 'server-only';
import { and, count, eq, inArray } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { now } from '@/lib/clock';
import { firstRow, getDb } from '@/lib/db/client';
import { HOLDING_JOB_STATUSES, type NodeStatus } from '@/lib/db/enums';
import { jobs, nodeImages, nodes } from '@/lib/db/tables';
import { ConflictError } from '@/lib/errors';
import { authorizeOnNode, requireNode } from './queries';
import { decommissionSchema, maintenanceSchema, nodeIdSchema } from './schemas';

/**
 * A node's status, set by SuperAdmins. Only `enabled` nodes accept installs
 * (lib/install/enqueue.ts); `error` is reached by failed connections (./health.ts) and left only here.
 */

function refuseUnless(node: { name: string; status: NodeStatus }, allowed: NodeStatus[], doing: string) {
  if (allowed.includes(node.status)) return;
  throw new ConflictError(
    `Node ${node.name} is ${node.status}; only a node that is ${allowed.join(' or ')} can be ${doing}.`,
  );
}

/** Back in service from maintenance or error; the failure count starts again from zero. */
export const enableNode = defineOperation({
  name: 'node.enable',
  targetType: 'node',
  input: nodeIdSchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    refuseUnless(node, ['maintenance', 'error'], 'enabled');
    await setStatus(node.id, { status: 'enabled', statusReason: null, consecutiveFailures: 0 });
    return { previous: node.status };
  },
  audited: (result) => ({ details: { from: result.previous } }),
});

/** Out of service for a while, with the reason shown wherever the node is. Failures no longer change its status. */
export const putNodeInMaintenance = defineOperation({
  name: 'node.maintenance',
  targetType: 'node',
  input: maintenanceSchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    refuseUnless(node, ['enabled', 'error', 'maintenance'], 'put in maintenance');
    await setStatus(node.id, { status: 'maintenance', statusReason: input.reason });
    return { previous: node.status };
  },
  audited: (result, input) => ({ details: { from: result.previous, reason: input.reason } }),
});

/**
 * Out of service for good: its images are no longer offered for placement. Refused while jobs
 * still work on it (their result would be recorded on a node that is gone), and, when images are
 * installed, until the admin confirms having seen how many.
 */
export const decommissionNode = defineOperation({
  name: 'node.decommission',
  targetType: 'node',
  input: decommissionSchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    refuseUnless(node, ['enabled', 'maintenance', 'error'], 'decommissioned');
    const db = getDb();
    return db.transaction(async (tx) => {
      const active = (await firstRow(
        tx
          .select({ n: count() })
          .from(jobs)
          .where(and(eq(jobs.nodeId, node.id), inArray(jobs.status, HOLDING_JOB_STATUSES))),
      ))!.n;
      if (active > 0) {
        throw new ConflictError(
          `Node ${node.name} still has ${active} job(s) queued, running or paused. Let them finish or cancel them first.`,
        );
      }
      const installed = (await firstRow(
        tx
          .select({ n: count() })
          .from(nodeImages)
          .where(and(eq(nodeImages.nodeId, node.id), eq(nodeImages.state, 'installed'))),
      ))!.n;
      if (installed > 0 && !input.confirmed) {
        throw new ConflictError(
          `Node ${node.name} has ${installed} installed image(s); confirm that they go out of service with it.`,
        );
      }
      const at = now();
      await tx.update(nodeImages).set({ available: false, updatedAt: at }).where(eq(nodeImages.nodeId, node.id));
      await tx
        .update(nodes)
        .set({ status: 'decommissioned', statusReason: null, updatedAt: at })
        .where(eq(nodes.id, node.id));
      return { previous: node.status, installedImages: installed };
    });
  },
  audited: (result) => ({ details: { from: result.previous, installedImages: result.installedImages } }),
});

async function setStatus(nodeId: string, fields: Partial<typeof nodes.$inferInsert>) {
  await getDb()
    .update(nodes)
    .set({ ...fields, updatedAt: now() })
    .where(eq(nodes.id, nodeId));
}
