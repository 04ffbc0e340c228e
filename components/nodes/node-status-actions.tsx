'use client';

import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { decommissionNodeAction, enableNodeAction } from '@/lib/nodes/actions';
import { MaintenanceDialog } from './maintenance-dialog';

/**
 * Enable, put in maintenance, decommission: only the moves that make sense from the node's current
 * status are offered. The server checks each one again.
 */
export function NodeStatusActions({
  node,
  installedImages,
}: {
  node: { id: string; name: string; status: string };
  installedImages: number;
}) {
  const { pending, error, run } = useServerAction();
  const canEnable = node.status === 'maintenance' || node.status === 'error';
  if (node.status === 'decommissioned') return null;
  return (
    <div className="flex flex-wrap items-center justify-end gap-2" data-testid="node-status-actions">
      {canEnable && (
        <Button disabled={pending} onClick={() => run(enableNodeAction, { nodeId: node.id })}>
          Enable
        </Button>
      )}
      <MaintenanceDialog nodeId={node.id} nodeName={node.name} inMaintenance={node.status === 'maintenance'} />
      <ConfirmButton
        label="Decommission"
        title={`Decommission ${node.name}?`}
        confirmLabel="Decommission"
        disabled={pending}
        onConfirm={() => run(decommissionNodeAction, { nodeId: node.id, confirmed: true })}
      >
        {installedImages > 0 ? (
          <p>
            <strong>
              {installedImages} installed image{installedImages === 1 ? '' : 's'}
            </strong>{' '}
            on this node will no longer be offered for placement. The files stay on the node.
          </p>
        ) : (
          <p>No image is installed on this node.</p>
        )}
        <p className="mt-2">A decommissioned node accepts no installs and cannot be enabled again.</p>
      </ConfirmButton>
      <ActionError error={error} />
    </div>
  );
}
