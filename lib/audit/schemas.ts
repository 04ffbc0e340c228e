import { z } from 'zod';
import { AUDIT_OUTCOMES, type AuditOutcome } from '@/lib/db/enums';
import { searchParamReader, withoutAbsent, type RawParams } from '@/lib/search-params';

/**
 * The Audit page's search params. They come from a URL anyone can edit, so nothing here throws:
 * a value that does not parse is dropped and named in `ignored`, and the page says so.
 * Times are UTC, as every time in the portal is shown.
 */

export const AUDIT_PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_AUDIT_PAGE_SIZE = 25;
const MAX_PAGE = 1_000_000;

export type AuditFilters = {
  userId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  /** `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`, as a date or datetime-local field sends it; inclusive. */
  from?: string;
  /** Same forms; the whole day or minute it names is included. */
  to?: string;
};

export type AuditSearch = { filters: AuditFilters; page: number; pageSize: number };

/** The options the filter form offers; a value outside them is ignored rather than probed. */
export type AuditKnownValues = {
  userIds: readonly string[];
  actions: readonly string[];
  targetTypes: readonly string[];
};

const LABELS = {
  userId: 'user',
  action: 'action',
  targetType: 'target type',
  targetId: 'target id',
  outcome: 'outcome',
  from: 'from',
  to: 'to',
  page: 'page',
  pageSize: 'page size',
} as const;
type Field = keyof typeof LABELS;

const blank = (v: unknown) =>
  typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v;
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** The instant a `from`/`to` value starts at, and the length of the span it names; null if not a real time. */
function parseTime(value: string): { start: Date; spanMs: number } | null {
  const m = TIME.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hasTime = m[4] !== undefined;
  const [h, mi] = hasTime ? [Number(m[4]), Number(m[5])] : [0, 0];
  const start = new Date(Date.UTC(y, mo - 1, d, h, mi));
  // Date.UTC rolls 2026-02-31 over into March and 24:00 into the next day; a real time comes back unchanged.
  const same =
    start.getUTCFullYear() === y &&
    start.getUTCMonth() === mo - 1 &&
    start.getUTCDate() === d &&
    start.getUTCHours() === h &&
    start.getUTCMinutes() === mi;
  return same ? { start, spanMs: hasTime ? 60_000 : 86_400_000 } : null;
}

/** The time range as [from, until): `until` is exclusive, the end of the day or minute `to` names. */
export function auditTimeRange(filters: AuditFilters): { from?: Date; until?: Date } {
  const from = filters.from ? parseTime(filters.from) : null;
  const to = filters.to ? parseTime(filters.to) : null;
  return { from: from?.start, until: to ? new Date(to.start.getTime() + to.spanMs) : undefined };
}

/** The schema of each search param; the JSON API documents its query parameters from these. */
export function auditSearchFields(known: AuditKnownValues) {
  const oneOf = (values: readonly string[]) =>
    z.preprocess(
      blank,
      z
        .string()
        .refine((v) => values.includes(v))
        .optional(),
    );
  const time = z.preprocess(
    blank,
    z
      .string()
      .refine((v) => parseTime(v) !== null)
      .optional(),
  );
  return {
    userId: oneOf(known.userIds),
    action: oneOf(known.actions),
    targetType: oneOf(known.targetTypes),
    targetId: z.preprocess(blank, z.string().max(200).optional()),
    outcome: z.preprocess(blank, z.enum(AUDIT_OUTCOMES).optional()),
    from: time,
    to: time,
    page: z.preprocess(blank, z.coerce.number().int().min(1).max(MAX_PAGE).optional()),
    pageSize: z.preprocess(
      blank,
      z.coerce
        .number()
        .refine((n) => (AUDIT_PAGE_SIZES as readonly number[]).includes(n))
        .optional(),
    ),
  } satisfies Record<Field, z.ZodType>;
}

/** Parses the Audit page's search params; returns the usable values and the labels of those it dropped. */
export function parseAuditSearchParams(raw: RawParams, known: AuditKnownValues): AuditSearch & { ignored: string[] } {
  const { value, ignored } = searchParamReader(raw, auditSearchFields(known), LABELS);
  const filters = withoutAbsent<AuditFilters>({
    userId: value('userId'),
    action: value('action'),
    targetType: value('targetType'),
    targetId: value('targetId'),
    outcome: value('outcome'),
    from: value('from'),
    to: value('to'),
  });
  const page = value('page') ?? 1;
  const pageSize = value('pageSize') ?? DEFAULT_AUDIT_PAGE_SIZE;
  return { filters, page, pageSize, ignored };
}
