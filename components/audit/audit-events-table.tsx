import type { ReactNode } from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import type { AuditListItem } from '@/lib/audit/queries';
import { formatDateTime } from '@/lib/format';
import { AuditDetails } from './audit-details';

/** The Audit page's events: when, who, what, on which target, how it ended, and what was recorded. */
export function AuditEventsTable({
  events,
  caption,
  empty,
}: {
  events: AuditListItem[];
  caption: string;
  empty: ReactNode;
}) {
  return (
    <Table
      caption={caption}
      columns={['When', 'User', 'Action', 'Target', 'Outcome', 'Details']}
      isEmpty={events.length === 0}
      empty={empty}
    >
      {events.map((event) => (
        <tr key={event.id} data-testid="audit-event">
          <Td className="whitespace-nowrap">{formatDateTime(event.at)}</Td>
          {/* No user: an anonymous caller (a failed sign-in) or the portal itself. */}
          <Td>{event.username ?? <span className="text-slate-500">anonymous or system</span>}</Td>
          <Td className="font-mono text-xs">{event.action}</Td>
          <Td>
            <span className="block">{event.targetType}</span>
            {event.targetId && (
              <span className="block font-mono text-xs break-all text-slate-500">{event.targetId}</span>
            )}
            {event.dataCenterName && <span className="block text-xs text-slate-500">in {event.dataCenterName}</span>}
          </Td>
          <Td>
            <StatusBadge status={event.outcome} />
          </Td>
          <Td>
            <AuditDetails details={event.details} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
