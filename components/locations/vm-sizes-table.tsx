import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { formatBytes, formatDateTime } from '@/lib/format';
import type { Placement, SizeWithPlacement } from '@/lib/sizes/queries';

/**
 * Location Details, "VM sizes": whether each size fits here, as the last Sync Available Sizes of
 * this data center found, and where else it fits or why not.
 */
export function VmSizesTable({
  dataCenterName,
  sizes,
  mayManage,
}: {
  dataCenterName: string;
  sizes: SizeWithPlacement[];
  mayManage: boolean;
}) {
  return (
    <Table
      caption={`VM sizes and where they fit, seen from ${dataCenterName}`}
      columns={['Size', 'vCPUs', 'Memory', 'Disks', `In ${dataCenterName}`, 'Other data centers']}
      isEmpty={sizes.length === 0}
      empty={mayManage ? 'No VM sizes yet. Add one from the Actions menu.' : 'No VM sizes are defined.'}
    >
      {sizes.map((size) => (
        <tr key={size.id} data-testid={`size-${size.name}`}>
          <Td className="font-medium">{size.name}</Td>
          <Td>{size.vcpus}</Td>
          <Td className="whitespace-nowrap">{formatBytes(size.memoryMb * 1024 * 1024)}</Td>
          <Td className="whitespace-nowrap">{size.diskGb.map((gb) => `${gb} GB`).join(' + ')}</Td>
          <Td>
            <Fit placement={size.here} />
          </Td>
          <Td>
            {size.elsewhere.length === 0 ? (
              <span className="text-slate-500">not checked anywhere else</span>
            ) : (
              <ul className="space-y-1">
                {size.elsewhere.map((p) => (
                  <li key={p.dataCenterId}>
                    <span className="font-medium">{p.dataCenterName}</span>: <Fit placement={p} />
                  </li>
                ))}
              </ul>
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

function Fit({ placement }: { placement: Placement | null }) {
  if (!placement) return <span className="text-slate-500">not checked yet: run Sync Available Sizes</span>;
  return (
    <span title={`Checked ${formatDateTime(placement.checkedAt)}`}>
      <StatusBadge
        status={placement.available ? 'ok' : 'failed'}
        label={placement.available ? 'fits' : 'does not fit'}
      />
      {placement.reason && <span className="text-sm text-slate-600"> {placement.reason}</span>}
    </span>
  );
}
