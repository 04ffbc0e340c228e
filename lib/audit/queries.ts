import 'server-only';
import { and, asc, count, desc, eq, exists, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { distinctValues } from '@/lib/db/distinct';
import { auditEvents, users } from '@/lib/db/tables';
import { AUDIT_PAGE_SIZES, auditTimeRange, DEFAULT_AUDIT_PAGE_SIZE, type AuditFilters } from './schemas';
import { describeEvents, EVENT_COLUMNS, type AuditEventView, type EventRow } from './views';
import { notIndexed } from '@/lib/db/dialect';

/**
 * The data centers whose audit events the user may read: null for all (SuperAdmins), else those
 * where the policy grants `audit.view` (DCAdmins). An empty list means none.
 */
export function readableAuditDataCenters(user: UserContext): string[] | null {
  const visible = visibleDataCenterIds(user);
  if (!visible) return null;
  return visible.filter((dataCenterId) => can(user, 'audit.view', { dataCenterId }));
}

/** The latest audit events about one target, newest first, limited to what the user may read, named. */
export async function auditHistoryOf(
  user: UserContext,
  target: { targetType: string; targetId: string },
  limit = 20,
): Promise<AuditEventView[]> {
  const readable = readableAuditDataCenters(user);
  if (readable?.length === 0) return [];
  const rows = await getDb()
    .select(EVENT_COLUMNS)
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.targetType, target.targetType),
        eq(auditEvents.targetId, target.targetId),
        readable ? inArray(auditEvents.dataCenterId, readable) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit);
  return await describeEvents(user, rows);
}

export type AuditHistoryRow = AuditEventView;

/**
 * The WHERE clause of the Audit page: the data centers the user may read the audit of,
 * then the filters. `null` means the user may read none, so callers skip the query.
 */
function auditWhere(user: UserContext, filters: AuditFilters): SQL | undefined | null {
  const readable = readableAuditDataCenters(user);
  if (readable?.length === 0) return null;
  const { from, until } = auditTimeRange(filters);
  return and(
    readable ? inArray(auditEvents.dataCenterId, readable) : undefined,
    filters.userId ? eq(auditEvents.userId, filters.userId) : undefined,
    filters.action ? eq(auditEvents.action, filters.action) : undefined,
    filters.targetType ? eq(auditEvents.targetType, filters.targetType) : undefined,
    filters.targetId ? eq(auditEvents.targetId, filters.targetId) : undefined,
    filters.outcome ? eq(auditEvents.outcome, filters.outcome) : undefined,
    from ? gte(auditEvents.at, from) : undefined,
    until ? lt(auditEvents.at, until) : undefined,
  );
}

export type AuditPage = { rows: AuditEventView[]; total: number; page: number; pageSize: number; pageCount: number };

// Newest first; the id breaks ties between events of the same millisecond, so none shows on two pages.
const NEWEST_FIRST = [desc(auditEvents.at), desc(auditEvents.id)];

/** One page of the audit events the user may read, newest first, with the total for "Showing 26–50 of 123". */
export async function listAuditPage(
  user: UserContext,
  { page = 1, pageSize = DEFAULT_AUDIT_PAGE_SIZE, ...filters }: AuditFilters & { page?: number; pageSize?: number },
): Promise<AuditPage> {
  const size = Math.min(Math.max(1, Math.trunc(pageSize)), Math.max(...AUDIT_PAGE_SIZES));
  const where = auditWhere(user, filters);
  if (where === null) return { rows: [], total: 0, page: 1, pageSize: size, pageCount: 1 };
  const total = (await firstRow(getDb().select({ n: count() }).from(auditEvents).where(where)))?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / size));
  // A page past the end (a stale link, a hand-edited URL) shows the last one.
  const shown = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  const rows = await getDb()
    .select(EVENT_COLUMNS)
    .from(auditEvents)
    .where(where)
    .orderBy(...NEWEST_FIRST)
    .limit(size)
    .offset((shown - 1) * size);
  return { rows: await describeEvents(user, rows), total, page: shown, pageSize: size, pageCount };
}

/**
 * Every audit event the user may read that matches `filters`, newest first, a batch at a time:
 * the CSV export streams them without holding the whole log. Each batch continues after the last
 * event of the one before (its time and id), so events recorded meanwhile neither repeat nor shift.
 */
export async function* auditEventBatches(user: UserContext, filters: AuditFilters, batchSize = 500) {
  const where = auditWhere(user, filters);
  if (where === null) return;
  let after: { at: Date; id: number } | null = null;
  for (;;) {
    const rows: EventRow[] = await getDb()
      .select(EVENT_COLUMNS)
      .from(auditEvents)
      .where(
        and(
          where,
          after
            ? or(lt(auditEvents.at, after.at), and(eq(auditEvents.at, after.at), lt(auditEvents.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(...NEWEST_FIRST)
      .limit(batchSize);
    if (rows.length === 0) return;
    yield await describeEvents(user, rows);
    const last = rows.at(-1)!;
    after = { at: last.at, id: last.id };
  }
}

/**
 * What the Audit filters offer: the users, actions and target types that occur in events the
 * user may read, so every option means something and none reveals more than the listing would.
 *
 * None of them reads the whole log. At 100,000 events (npm run seed:large) three `DISTINCT` scans
 * took 55 ms; now a user is offered when one index probe finds an event of theirs, and the actions
 * and target types are found by jumping through their indexes from one value to the next
 * (`distinctValues`, lib/db/distinct.ts), under a millisecond. The data center is the last column of those indexes, so
 * whether a DCAdmin may read an event is decided from the index too.
 */
export async function listAuditFilterOptions(user: UserContext) {
  const readable = readableAuditDataCenters(user);
  if (readable?.length === 0) return { users: [], actions: [], targetTypes: [] };
  // The unary `+` keeps SQLite off the data center index, which would read all of a data center's
  // events, and on the index of the column asked about.
  const mayRead = readable ? inArray(notIndexed(auditEvents.dataCenterId), readable) : undefined;
  const db = getDb();
  const hasEvent = db
    .select({ one: sql`1` })
    .from(auditEvents)
    .where(and(eq(auditEvents.userId, users.id), mayRead));
  return {
    users: await db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(exists(hasEvent))
      .orderBy(asc(users.username)),
    actions: await distinctValues(auditEvents.action, sql`${auditEvents}`, mayRead),
    targetTypes: await distinctValues(auditEvents.targetType, sql`${auditEvents}`, mayRead),
  };
}

export type AuditFilterOptions = Awaited<ReturnType<typeof listAuditFilterOptions>>;
