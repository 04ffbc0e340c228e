import { formatBytes } from '@/lib/format';
import type { LocationGauges as Gauges } from '@/lib/locations/gauges';

/** The figures at the top of Location Details; each says what it counts. */
export function LocationGauges({ gauges }: { gauges: Gauges }) {
  const items: { key: string; label: string; value: string; hint: string }[] = [
    {
      key: 'nodes',
      label: 'Nodes enabled',
      value: `${gauges.nodesEnabled} of ${gauges.nodesTotal}`,
      hint: 'only enabled nodes accept installs',
    },
    {
      key: 'images-attached',
      label: 'Images attached',
      value: String(gauges.imagesAttached),
      hint: 'attached or bound here',
    },
    {
      key: 'images-available',
      label: 'Images available',
      value: String(gauges.imagesAvailable),
      hint: 'installed and offered on at least one enabled node',
    },
    {
      key: 'running-jobs',
      label: 'Running jobs',
      value: String(gauges.runningJobs),
      hint: `${gauges.queuedJobs} queued`,
    },
    {
      key: 'free-disk',
      label: 'Free image disk',
      value: formatBytes(gauges.freeImageDiskBytes),
      hint: 'on enabled nodes, as last read',
    },
    { key: 'machines', label: 'Machines', value: String(gauges.machines), hint: 'on all nodes here' },
  ];
  return (
    <dl aria-label="Location figures" className="mb-8 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
      {items.map((item) => (
        <div key={item.key} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <dt className="text-xs font-medium text-slate-500">{item.label}</dt>
          <dd className="mt-1 text-xl font-semibold text-slate-900" data-testid={`gauge-${item.key}`}>
            {item.value}
          </dd>
          <dd className="text-xs text-slate-500">{item.hint}</dd>
        </div>
      ))}
    </dl>
  );
}
