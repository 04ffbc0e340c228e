import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { RemoveMachineButton } from './remove-machine-button';

type MachineRow = { id: string; name: string; status: string; other: { href: string; label: string } };

/** Machines with the node or image each relates to; SuperAdmins may remove them. */
export function MachinesTable(props: {
  caption: string;
  otherColumn: 'Node' | 'Image';
  machines: MachineRow[];
  empty: string;
  canRemove: boolean;
}) {
  return (
    <Table
      caption={props.caption}
      columns={['Machine', props.otherColumn, 'Status', ...(props.canRemove ? [''] : [])]}
      isEmpty={props.machines.length === 0}
      empty={props.empty}
    >
      {props.machines.map((m) => (
        <tr key={m.id} data-testid={`machine-${m.name}`}>
          <Td className="font-medium">{m.name}</Td>
          <Td>
            <TextLink href={m.other.href}>{m.other.label}</TextLink>
          </Td>
          <Td>
            <StatusBadge status={m.status} />
          </Td>
          {props.canRemove && (
            <Td>
              <RemoveMachineButton machineId={m.id} name={m.name} />
            </Td>
          )}
        </tr>
      ))}
    </Table>
  );
}
