import Link from 'next/link';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes } from '@/lib/format';
import type { OverviewDataCenter } from '@/lib/overview/queries';

/** One data center's health: its nodes by status, the free image disk of the enabled ones, and what broke last. */
export function DataCenterHealth({ dataCenter: dc }: { dataCenter: OverviewDataCenter }) {
  const counts: [string, number, string][] = [
    ['enabled', dc.nodes.enabled, 'text-emerald-800'],
    ['maintenance', dc.nodes.maintenance, 'text-amber-800'],
    ['error', dc.nodes.error, 'text-red-700'],
  ];
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`overview-dc-${dc.name}`}>
      <h3 className="font-semibold">
        <TextLink href={`/locations/${dc.id}`}>{dc.name}</TextLink>
      </h3>
      <dl className="mt-2 grid grid-cols-4 gap-2 text-sm">
        {counts.map(([label, value, tone]) => (
          <div key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className={`text-lg font-semibold ${value > 0 ? tone : 'text-slate-500'}`}>
              <Link
                href={`/locations/${dc.id}`}
                className="hover:underline"
                aria-label={`${value} ${label} nodes in ${dc.name}`}
              >
                {value}
              </Link>
            </dd>
          </div>
        ))}
        <div>
          <dt className="text-slate-600">free image disk</dt>
          <dd className="text-lg font-semibold">{formatBytes(dc.freeImageDiskBytes)}</dd>
        </div>
      </dl>
      {dc.errors.length > 0 && (
        <ul className="mt-3 space-y-1 text-sm text-red-800" aria-label={`Nodes in error in ${dc.name}`}>
          {dc.errors.map((e) => (
            <li key={e.nodeId}>
              <TextLink href={`/nodes/${e.nodeId}`}>{e.nodeName}</TextLink>: {e.lastError ?? 'no error recorded'}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
