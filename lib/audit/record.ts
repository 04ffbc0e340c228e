import 'server-only';
import type { AuditOutcome } from '@/lib/db/enums';
import { getDb } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/tables';
import { now } from '@/lib/clock';

export type AuditTarget = {
  targetType: string;
  targetId?: string | null;
  /** The data center the target lives in, so that DCAdmins can read it. */
  dataCenterId?: string | null;
  details?: Record<string, unknown>;
};

export type AuditEntry = AuditTarget & { userId: string | null; action: string; outcome: AuditOutcome };

export async function recordAudit(entry: AuditEntry): Promise<void> {
  await getDb()
    .insert(auditEvents)
    .values({
      at: now(),
      userId: entry.userId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      dataCenterId: entry.dataCenterId ?? null,
      outcome: entry.outcome,
      details: entry.details ?? {},
    });
}
