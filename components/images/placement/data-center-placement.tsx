'use client';

import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { StatusBadge } from '@/components/ui/status-badge';
import type { PlacementDataCenter } from '@/lib/availability/placement';
import { applyImageAvailabilityAction } from '@/lib/availability/actions';
import { setImageAttachmentAction } from '@/lib/images/actions';
import { InstallForm } from '../install-form';
import { AttachAndInstallForm } from './attach-and-install-form';
import { PlacedNodesTable } from './placed-nodes-table';
import { usePlacementAction } from './use-placement-action';

/** `installable`: the image itself may be installed now (not disabled, deleted or waiting for its file). */
type Props = { image: { id: string; name: string }; dataCenter: PlacementDataCenter; installable: boolean };

/** One data center of the Placement section: attached or not, its nodes with the image, and what to do next. */
export function DataCenterPlacement({ image, dataCenter: dc, installable: imageInstallable }: Props) {
  const { pending, run } = usePlacementAction();
  const attach = (attached: boolean) =>
    run(
      () => setImageAttachmentAction(null, { imageId: image.id, dataCenterId: dc.dataCenterId, attached }),
      (r) =>
        attached
          ? `Attached to ${dc.dataCenterName}.`
          : `Detached from ${dc.dataCenterName}.${r.withdrawn > 0 ? ` ${r.withdrawn} node(s) there no longer offer it.` : ''}`,
    );
  const setOffered = (nodeId: string, offered: boolean) =>
    run(
      () =>
        applyImageAvailabilityAction(null, { imageId: image.id, shown: [nodeId], available: offered ? [nodeId] : [] }),
      () => (offered ? 'Offered again.' : 'Removal queued.'),
    );
  const installable = dc.candidates.filter((c) => c.refusal === null);
  const headingId = `placement-${dc.dataCenterId}`;
  return (
    <section aria-labelledby={headingId} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id={headingId} className="flex items-center gap-2 font-semibold">
          {dc.dataCenterName}
          <StatusBadge
            status={dc.usable ? 'enabled' : 'disabled'}
            label={dc.bound ? 'bound here' : dc.usable ? 'attached' : 'not attached'}
          />
        </h3>
        <div className="flex gap-2">
          {dc.mayAttach && (
            <Button variant="secondary" disabled={pending} onClick={() => attach(true)}>
              Attach to {dc.dataCenterName}
            </Button>
          )}
          {dc.mayDetach && (
            <ConfirmButton
              label="Detach"
              title={`Detach from ${dc.dataCenterName}?`}
              confirmLabel="Detach"
              disabled={pending}
              onConfirm={() => attach(false)}
            >
              {image.name} can no longer be installed in {dc.dataCenterName}, and copies already on its nodes stop being
              offered. Refused while a machine there uses it.
            </ConfirmButton>
          )}
        </div>
      </div>
      {(dc.placed.length > 0 || dc.usable) && (
        <PlacedNodesTable
          dataCenterName={dc.dataCenterName}
          imageName={image.name}
          nodes={dc.placed}
          pending={pending}
          onRemove={(node) => setOffered(node.nodeId, false)}
          onOffer={(node) => setOffered(node.nodeId, true)}
        />
      )}
      {imageInstallable && dc.usable && dc.mayInstall && installable.length > 0 && (
        <InstallForm
          imageId={image.id}
          targets={installable.map((c) => ({ id: c.nodeId, name: c.nodeName, dataCenterName: dc.dataCenterName }))}
        />
      )}
      {imageInstallable && dc.usable && dc.mayInstall && installable.length === 0 && dc.candidates.length > 0 && (
        <p className="text-sm text-slate-600">{dc.candidates[0]!.refusal}</p>
      )}
      {imageInstallable && !dc.usable && dc.mayAttach && dc.candidates.length > 0 && (
        <AttachAndInstallForm
          imageId={image.id}
          imageName={image.name}
          dataCenterName={dc.dataCenterName}
          candidates={dc.candidates}
        />
      )}
      {!dc.usable && !dc.mayAttach && (
        <p className="text-sm text-slate-600">
          Not attached to {dc.dataCenterName}: its nodes cannot offer {image.name} until someone who may attach it does.
        </p>
      )}
    </section>
  );
}
