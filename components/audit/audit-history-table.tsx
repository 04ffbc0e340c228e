import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import type { AuditHistoryRow } from '@/lib/audit/queries';
import { formatDateTime } from '@/lib/format';

/** Audit events about one target: when, who, what, how it ended, and the facts recorded with it. */
export function AuditHistoryTable({
  events,
  caption,
  empty,
}: {
  events: AuditHistoryRow[];
  caption: string;
  empty: string;
}) {
  return (
    <Table
      caption={caption}
      columns={['When', 'User', 'Action', 'Outcome', 'Details']}
      isEmpty={events.length === 0}
      empty={empty}
    >
      {events.map((event) => (
        <tr key={event.id} data-testid={`audit-${event.action}`}>
          <Td className="whitespace-nowrap">{formatDateTime(event.at)}</Td>
          <Td>{event.username ?? 'system'}</Td>
          <Td className="font-mono text-xs">{event.action}</Td>
          <Td>
            <StatusBadge status={event.outcome} />
          </Td>
          <Td className="text-xs text-slate-600">{summarize(event.details)}</Td>
        </tr>
      ))}
    </Table>
  );
}

/** `key: value` pairs on one line; lists joined, nested objects left out as noise. */
function summarize(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v)))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') || '—' : String(v)}`)
    .join(' · ');
}
