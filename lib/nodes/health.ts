import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { firstRow, getDb } from '@/lib/db/client';
import { nodes } from '@/lib/db/tables';

/**
 * A node's connection health: every connection the portal makes to a registered node reports here.
 *
 * Status moves only one way on its own: an enabled node that fails N connections in a row becomes
 * `error`. Nothing automatic brings it back, because a node that flapped should be looked at; an
 * admin's Enable does. Nodes in maintenance or decommissioned keep their status (an admin chose it),
 * while their failures and last error are still recorded.
 */
export async function recordConnectionSuccess(nodeId: string): Promise<void> {
  const at = now();
  await getDb()
    .update(nodes)
    .set({
      lastSeenAt: at,
      consecutiveFailures: 0,
      // An error node keeps the error that put it there until an admin enables it.
      lastError: sql`case when ${nodes.status} = 'error' then ${nodes.lastError} else null end`,
      updatedAt: at,
    })
    .where(eq(nodes.id, nodeId));
}

export async function recordConnectionFailure(nodeId: string, message: string): Promise<void> {
  const threshold = getConfig().nodeErrorAfterFailures;
  const at = now();
  const db = getDb();
  // One synchronous transaction, so two jobs failing at once cannot both miss (or both make) the move.
  const movedToError = await db.transaction(async (tx) => {
    const before = await firstRow(
      tx
        .select({ status: nodes.status, failures: nodes.consecutiveFailures, dataCenterId: nodes.dataCenterId })
        .from(nodes)
        .where(eq(nodes.id, nodeId)),
    );
    if (!before) return null;
    const failures = before.failures + 1;
    const toError = before.status === 'enabled' && failures >= threshold;
    const statusReason = `${failures} connections in a row failed; enable the node once it is fixed.`;
    await tx
      .update(nodes)
      .set({
        lastError: message,
        consecutiveFailures: failures,
        updatedAt: at,
        ...(toError ? { status: 'error', statusReason } : {}),
      })
      .where(eq(nodes.id, nodeId));
    return toError ? { failures, dataCenterId: before.dataCenterId } : null;
  });
  if (movedToError) {
    // No user did this; the audit log still shows when and why the node left service.
    await recordAudit({
      userId: null,
      action: 'node.error',
      targetType: 'node',
      targetId: nodeId,
      dataCenterId: movedToError.dataCenterId,
      outcome: 'error',
      details: { consecutiveFailures: movedToError.failures, lastError: message },
    });
  }
}
