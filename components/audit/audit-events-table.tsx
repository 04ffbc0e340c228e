import type { ReactNode } from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table } from '@/components/ui/table';
import type { AuditEventView } from '@/lib/audit/views';
import { formatDateTime } from '@/lib/format';
import { AuditDetails } from './audit-details';
import { AuditEventRow } from './audit-event-row';
import { AuditRefName } from './audit-ref';

const COLUMNS = ['When', 'User', 'Action', 'Target', 'Outcome', 'Details'];
const CELL = 'px-4 py-2 align-top whitespace-nowrap';

/**
 * The Audit page's events, one compact line each: when, who, what, on which target, how it ended.
 * Names stand for ids and link to their pages; everything recorded is one "Details" away.
 */
export function AuditEventsTable({
  events,
  caption,
  empty,
}: {
  events: AuditEventView[];
  caption: string;
  empty: ReactNode;
}) {
  return (
    <Table caption={caption} columns={COLUMNS} isEmpty={events.length === 0} empty={empty}>
      {events.map((event) => (
        <AuditEventRow
          key={event.id}
          columnCount={COLUMNS.length}
          label={`${event.action} on ${event.target.name}, ${formatDateTime(event.at)}`}
          details={<AuditDetails event={event} />}
          cells={
            <>
              <td className={CELL}>{formatDateTime(event.at)}</td>
              <td className={CELL}>
                {/* No user: an anonymous caller (a failed sign-in) or the portal itself. */}
                {event.user ? (
                  <AuditRefName value={event.user} compact />
                ) : (
                  <span className="text-slate-500">anonymous or system</span>
                )}
              </td>
              <td className={`${CELL} font-mono text-xs`}>{event.action}</td>
              <td className={CELL} data-testid="audit-target">
                <span className="text-xs text-slate-500">{event.target.type}</span>{' '}
                <AuditRefName value={event.target} compact />
              </td>
              <td className={CELL}>
                <StatusBadge status={event.outcome} />
              </td>
            </>
          }
        />
      ))}
    </Table>
  );
}
