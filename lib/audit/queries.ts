import 'server-only';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { auditEvents, users } from '@/lib/db/schema';

/**
 * The data centers whose audit events the user may read: null for all (SuperAdmins), else those
 * where the policy grants `audit.view` (DCAdmins, DESIGN §3). An empty list means none.
 */
export function readableAuditDataCenters(user: UserContext): string[] | null {
  const visible = visibleDataCenterIds(user);
  if (!visible) return null;
  return visible.filter((dataCenterId) => can(user, 'audit.view', { dataCenterId }));
}

/** The latest audit events about one target, newest first, limited to what the user may read. */
export function auditHistoryOf(user: UserContext, target: { targetType: string; targetId: string }, limit = 20) {
  const readable = readableAuditDataCenters(user);
  if (readable?.length === 0) return [];
  return getDb()
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      details: auditEvents.details,
      username: users.username,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(
      and(
        eq(auditEvents.targetType, target.targetType),
        eq(auditEvents.targetId, target.targetId),
        readable ? inArray(auditEvents.dataCenterId, readable) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit)
    .all();
}

export type AuditHistoryRow = ReturnType<typeof auditHistoryOf>[number];
