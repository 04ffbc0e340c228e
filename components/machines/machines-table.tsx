'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-button';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { removeMachineAction } from '@/lib/machines/actions';

type MachineRow = { id: string; name: string; status: string; other: { href: string; label: string } };

/**
 * Machines with the node or image each relates to; SuperAdmins may remove them. One confirm dialog
 * serves every row: a row's Remove opens it with that row's machine.
 */
export function MachinesTable(props: {
  caption: string;
  otherColumn: 'Node' | 'Image';
  machines: MachineRow[];
  empty: string;
  canRemove: boolean;
}) {
  const [removing, setRemoving] = useState<MachineRow | null>(null);
  const { pending, error, run } = useServerAction();
  return (
    <>
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
                <Button
                  variant="danger"
                  disabled={pending}
                  aria-label={`Remove ${m.name}`}
                  onClick={() => setRemoving(m)}
                >
                  Remove
                </Button>
              </Td>
            )}
          </tr>
        ))}
      </Table>
      <ActionError error={error} className="mt-2" />
      {props.canRemove && (
        <RemoveMachineDialog
          machine={removing}
          onClose={() => setRemoving(null)}
          onConfirm={(machine) => run(removeMachineAction, { machineId: machine.id })}
        />
      )}
    </>
  );
}

/** Forgets a machine (it was deleted elsewhere); its image may then leave the node. */
function RemoveMachineDialog(props: {
  machine: MachineRow | null;
  onClose: () => void;
  onConfirm: (machine: MachineRow) => void;
}) {
  const { machine } = props;
  return (
    <ConfirmDialog
      open={machine !== null}
      onClose={props.onClose}
      title={machine ? `Remove machine ${machine.name}?` : ''}
      confirmLabel="Remove"
      onConfirm={() => machine && props.onConfirm(machine)}
    >
      The portal forgets {machine?.name}. Its image no longer counts as in use on its node because of it.
    </ConfirmDialog>
  );
}
