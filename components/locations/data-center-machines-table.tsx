import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';

type MachineRow = {
  id: string;
  name: string;
  status: string;
  nodeId: string;
  nodeName: string;
  imageId: string;
  imageName: string;
};

/**
 * Location Details, "Machines": every machine on the data center's nodes, with both its node and its
 * image (the shared MachinesTable has room for one of them). Read-only: machines are recorded and
 * removed on Node Details.
 */
export function DataCenterMachinesTable({
  dataCenterName,
  machines,
}: {
  dataCenterName: string;
  machines: MachineRow[];
}) {
  return (
    <Table
      caption={`Machines in ${dataCenterName}`}
      columns={['Machine', 'Node', 'Image', 'Status']}
      isEmpty={machines.length === 0}
      empty="No machine is recorded on the nodes of this data center."
    >
      {machines.map((m) => (
        <tr key={m.id} data-testid={`machine-${m.name}`}>
          <Td className="font-medium">{m.name}</Td>
          <Td>
            <TextLink href={`/nodes/${m.nodeId}`}>{m.nodeName}</TextLink>
          </Td>
          <Td>
            <TextLink href={`/images/${m.imageId}`}>{m.imageName}</TextLink>
          </Td>
          <Td>
            <StatusBadge status={m.status} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
