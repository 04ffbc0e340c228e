import 'server-only';
import type { UserContext } from '@/lib/auth/policy';
import { auditEventBatches } from './queries';
import type { AuditFilters } from './schemas';
import type { AuditEventView } from './views';

/**
 * The Audit page's filtered view as CSV (RFC 4180): a header line, then one line per event, newest
 * first, every line ending in CRLF. The text in it was typed by users (names, reasons), and a
 * spreadsheet runs a cell that starts with =, +, - or @ as a formula: such a cell is prefixed with
 * a single quote, so it opens as the text it is.
 */

export const AUDIT_CSV_HEADER = [
  'Time (UTC)',
  'User',
  'Action',
  'Target type',
  'Target',
  'Target id',
  'Data center',
  'Outcome',
  'Details',
] as const;

/** Tab and carriage return start formulas in some spreadsheets too (OWASP's CSV injection advice). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: guarded against formulas, then quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** An event's fields, in the header's order. The details stay JSON, so a script can read them back. */
export function auditCsvFields(event: AuditEventView): string[] {
  return [
    event.at.toISOString(),
    event.user?.name ?? 'anonymous or system',
    event.action,
    event.target.type,
    event.target.name,
    event.target.id ?? '',
    event.dataCenter?.name ?? '',
    event.outcome,
    Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : '',
  ];
}

/**
 * The export as a stream: the header at once, then a batch of events per pull, so a long log is
 * never held whole and a client that stops reading stops the queries.
 */
export function auditCsvStream(user: UserContext, filters: AuditFilters): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = auditEventBatches(user, filters);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(AUDIT_CSV_HEADER)));
        return;
      }
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((event) => csvLine(auditCsvFields(event))).join('')));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
