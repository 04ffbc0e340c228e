import 'server-only';
import { and, desc, eq } from 'drizzle-orm';
import { firstRow, getDb } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/tables';

export type FailedUpload = { at: Date; error: string };

/**
 * Why the last upload of a still-pending image failed, from the audit log, where every upload
 * records exactly one outcome: a checksum mismatch, a closed tab (the body broke off), a full
 * store. Null when no upload was tried yet.
 */
export async function lastFailedUpload(imageId: string): Promise<FailedUpload | null> {
  const last = await firstRow(
    getDb()
      .select({ at: auditEvents.at, outcome: auditEvents.outcome, details: auditEvents.details })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, 'image.upload'),
          eq(auditEvents.targetType, 'image'),
          eq(auditEvents.targetId, imageId),
        ),
      )
      .orderBy(desc(auditEvents.id))
      .limit(1),
  );
  if (!last || last.outcome !== 'error') return null;
  const error = typeof last.details.error === 'string' ? last.details.error : 'The upload did not finish.';
  return { at: last.at, error };
}
