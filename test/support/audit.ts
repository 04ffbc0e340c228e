import { desc, eq } from 'drizzle-orm';
import { firstRow, getDb } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/tables';

/**
 * The newest audit event of an action. By id: SQLite returns rows in the order of whichever index
 * it picks (several audit indexes start with the action), which is no order to rely on.
 */
export async function lastAudit(action: string) {
  return await firstRow(
    getDb().select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)).limit(1),
  );
}
