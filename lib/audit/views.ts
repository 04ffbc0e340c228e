import 'server-only';
import type { UserContext } from '@/lib/auth/policy';
import type { AuditOutcome } from '@/lib/db/enums';
import { auditEvents } from '@/lib/db/tables';
import { DETAIL_REFERENCES, resolveRefs, type AuditRef } from './targets';

/** The columns of an audit event that its view is made from. */
export const EVENT_COLUMNS = {
  id: auditEvents.id,
  at: auditEvents.at,
  action: auditEvents.action,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  dataCenterId: auditEvents.dataCenterId,
  userId: auditEvents.userId,
  outcome: auditEvents.outcome,
  details: auditEvents.details,
};

export type EventRow = { [K in keyof typeof EVENT_COLUMNS]: (typeof auditEvents.$inferSelect)[K] };

/** An audit event as people read it: names for its ids, each linked where the viewer may follow. */
export type AuditEventView = {
  id: number;
  at: Date;
  action: string;
  outcome: AuditOutcome;
  /** Null for an anonymous caller (a failed sign-in) or the portal itself. */
  user: AuditRef | null;
  target: AuditRef;
  dataCenter: AuditRef | null;
  details: Record<string, unknown>;
  /** The ids among the details (`nodeId`, `jobId`, …) with their names, by detail key. */
  detailRefs: Record<string, AuditRef>;
};

/** Names a batch of events with one lookup per kind of thing, not one per event. */
export async function describeEvents(user: UserContext, rows: EventRow[]): Promise<AuditEventView[]> {
  const wanted = rows.map((row) => ({
    user: row.userId === null ? null : { type: 'user', id: row.userId },
    // A deleted target keeps the name the event recorded, where it recorded one.
    target: { type: row.targetType, id: row.targetId, recordedName: row.details.name ?? row.details.username },
    dataCenter:
      row.dataCenterId === null
        ? null
        : { type: 'datacenter', id: row.dataCenterId, recordedName: row.details.dataCenter },
    details: Object.entries(row.details).flatMap(([key, value]) => {
      const type = DETAIL_REFERENCES[key];
      return type && typeof value === 'string' ? [{ key, type, id: value }] : [];
    }),
  }));
  const resolve = await resolveRefs(
    user,
    wanted.flatMap((w) => [
      w.target,
      ...(w.user ? [w.user] : []),
      ...(w.dataCenter ? [w.dataCenter] : []),
      ...w.details,
    ]),
  );
  return rows.map((row, i) => {
    const w = wanted[i]!;
    return {
      id: row.id,
      at: row.at,
      action: row.action,
      outcome: row.outcome,
      user: w.user && resolve(w.user),
      target: resolve(w.target),
      dataCenter: w.dataCenter && resolve(w.dataCenter),
      details: row.details,
      detailRefs: Object.fromEntries(w.details.map((d) => [d.key, resolve(d)])),
    };
  });
}
