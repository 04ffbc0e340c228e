import type { ReactNode } from 'react';
import type { AuditRef } from '@/lib/audit/targets';
import type { AuditEventView } from '@/lib/audit/views';
import { AuditRefName } from './audit-ref';

/**
 * Everything recorded with an audit event, as label–value pairs: where it happened, the target's
 * id, and the details, with the ids among them (a node, a job) named and linked. Text wraps at word
 * boundaries only; a value too long for the width (a URL, a checksum) scrolls, never splits.
 */
export function AuditDetails({ event }: { event: AuditEventView }) {
  const entries = Object.entries(event.details).filter(([, v]) => v !== null && v !== undefined && v !== '');
  const items: [string, ReactNode][] = [];
  if (event.dataCenter) items.push(['data center', <AuditRefName key="dc" value={event.dataCenter} />]);
  items.push(['target', <TargetFull key="target" target={event.target} />]);
  for (const [key, value] of entries) {
    const ref: AuditRef | undefined = event.detailRefs[key];
    items.push([humanize(key), ref ? <AuditRefName value={ref} /> : show(value)]);
  }
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
      {items.map(([label, value], i) => (
        <div key={`${i}-${label}`} className="contents">
          <dt className="font-medium whitespace-nowrap text-slate-500">{label}</dt>
          <dd className="break-normal whitespace-pre-wrap text-slate-800">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function TargetFull({ target }: { target: AuditRef }) {
  return (
    <>
      {target.type} <AuditRefName value={target} />
      {target.id && target.name !== target.id && <span className="ml-2 font-mono text-slate-500">{target.id}</span>}
    </>
  );
}

/** `dataCenterId` → "data center id", `isSuperAdmin` → "is super admin". */
function humanize(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function show(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ') || '—';
  if (typeof value === 'object') return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
