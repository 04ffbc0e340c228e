import { Fragment } from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import type { AuditHistoryRow } from '@/lib/audit/queries';
import { formatDateTime } from '@/lib/format';
import { AuditRefName } from './audit-ref';

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
          <Td className="whitespace-nowrap">{event.user ? <AuditRefName value={event.user} compact /> : 'system'}</Td>
          <Td className="font-mono text-xs whitespace-nowrap">{event.action}</Td>
          <Td>
            <StatusBadge status={event.outcome} />
          </Td>
          <Td className="text-xs break-normal text-slate-600">
            <Summary event={event} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}

/**
 * `key: value` pairs on one line, an id among them by its name (`node: node-1`); lists joined,
 * nested objects left out as noise.
 */
function Summary({ event }: { event: AuditHistoryRow }) {
  const entries = Object.entries(event.details).filter(
    ([, v]) => v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v)),
  );
  return entries.map(([key, value], i) => {
    const ref = event.detailRefs[key];
    return (
      <Fragment key={key}>
        {i > 0 && ' · '}
        {ref ? (
          <>
            {key.replace(/Id$/, '')}: <AuditRefName value={ref} />
          </>
        ) : (
          `${key}: ${Array.isArray(value) ? value.join(', ') || '—' : String(value)}`
        )}
      </Fragment>
    );
  });
}
