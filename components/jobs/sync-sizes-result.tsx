import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { formatBytes } from '@/lib/format';
import type { SyncSizesResult } from '@/lib/sync/sizes-job';

/** What a Sync Available Sizes job read from each node, and where each size fits. */
export function SyncSizesResultView({ result }: { result: SyncSizesResult }) {
  return (
    <section aria-labelledby="sync-result-heading" className="space-y-4">
      <h2 id="sync-result-heading" className="text-lg font-semibold">
        Result
      </h2>
      <Table
        caption="Capacity read from each enabled node"
        columns={['Node', 'CPUs', 'Memory', 'Free image disk']}
        isEmpty={result.nodes.length === 0}
        empty="No enabled node."
      >
        {result.nodes.map((n) => (
          <tr key={n.nodeId}>
            <Td className="font-medium">{n.nodeName}</Td>
            {'error' in n ? (
              <td colSpan={3} className="px-4 py-2.5 text-red-700">
                Not read: {n.error}
              </td>
            ) : (
              <>
                <Td>{n.cpus}</Td>
                <Td>{formatBytes(n.memoryBytes)}</Td>
                <Td>{formatBytes(n.diskFreeBytes)}</Td>
              </>
            )}
          </tr>
        ))}
      </Table>
      <Table
        caption="Where each VM size fits"
        columns={['Size', 'Fits', 'On nodes, or why not']}
        isEmpty={result.sizes.length === 0}
        empty="No VM sizes are defined."
      >
        {result.sizes.map((s) => (
          <tr key={s.sizeId}>
            <Td className="font-medium">{s.name}</Td>
            <Td>
              <StatusBadge status={s.available ? 'ok' : 'failed'} label={s.available ? 'fits' : 'does not fit'} />
            </Td>
            <Td>{s.available ? s.fittingNodes.join(', ') : s.reason}</Td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
