import 'server-only';
import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, type SQL } from 'drizzle-orm';
import { can, visibleDataCenterIds, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { auditEvents, dataCenters, users } from '@/lib/db/schema';
import { AUDIT_PAGE_SIZES, auditTimeRange, DEFAULT_AUDIT_PAGE_SIZE, type AuditFilters } from './schemas';

/**
 * The data centers whose audit events the user may read: null for all (SuperAdmins), else those
 * where the policy grants `audit.view` (DCAdmins). An empty list means none.
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

function eventsWithNames() {
  return getDb()
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      outcome: auditEvents.outcome,
      details: auditEvents.details,
      username: users.username,
      dataCenterName: dataCenters.name,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .leftJoin(dataCenters, eq(dataCenters.id, auditEvents.dataCenterId));
}

export type AuditListItem = ReturnType<ReturnType<typeof eventsWithNames>['all']>[number];

export type AuditPage = { rows: AuditListItem[]; total: number; page: number; pageSize: number; pageCount: number };

/** One page of the audit events the user may read, newest first, with the total for "Showing 26–50 of 123". */
export function listAuditPage(
  user: UserContext,
  { page = 1, pageSize = DEFAULT_AUDIT_PAGE_SIZE, ...filters }: AuditFilters & { page?: number; pageSize?: number },
): AuditPage {
  const size = Math.min(Math.max(1, Math.trunc(pageSize)), Math.max(...AUDIT_PAGE_SIZES));
  const where = auditWhere(user, filters);
  if (where === null) return { rows: [], total: 0, page: 1, pageSize: size, pageCount: 1 };
  const total = getDb().select({ n: count() }).from(auditEvents).where(where).get()?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / size));
  // A page past the end (a stale link, a hand-edited URL) shows the last one.
  const shown = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  const rows = eventsWithNames()
    .where(where)
    // The id breaks ties between events of the same millisecond, so none shows on two pages.
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(size)
    .offset((shown - 1) * size)
    .all();
  return { rows, total, page: shown, pageSize: size, pageCount };
}

/**
 * What the Audit filters offer: the users, actions and target types that occur in events the
 * user may read, so every option means something and none reveals more than the listing would.
 */
export function listAuditFilterOptions(user: UserContext) {
  const where = auditWhere(user, {});
  if (where === null) return { users: [], actions: [], targetTypes: [] };
  const db = getDb();
  return {
    users: db
      .selectDistinct({ id: users.id, username: users.username })
      .from(auditEvents)
      .innerJoin(users, eq(users.id, auditEvents.userId))
      .where(and(where, isNotNull(auditEvents.userId)))
      .orderBy(asc(users.username))
      .all(),
    actions: db
      .selectDistinct({ action: auditEvents.action })
      .from(auditEvents)
      .where(where)
      .orderBy(asc(auditEvents.action))
      .all()
      .map((r) => r.action),
    targetTypes: db
      .selectDistinct({ targetType: auditEvents.targetType })
      .from(auditEvents)
      .where(where)
      .orderBy(asc(auditEvents.targetType))
      .all()
      .map((r) => r.targetType),
  };
}

export type AuditFilterOptions = ReturnType<typeof listAuditFilterOptions>;
