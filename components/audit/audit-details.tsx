/**
 * The facts recorded with an audit event, as label–value pairs: text as it is, lists joined, and
 * anything nested as compact JSON. Empty values are left out; they say nothing.
 */
export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-medium text-slate-500">{humanize(key)}</dt>
          <dd className="break-words text-slate-800">{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** `dataCenterId` → "data center id", `isSuperAdmin` → "is super admin". */
function humanize(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function show(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ') || '—';
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
