'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { CheckboxField, FormError, SubmitButton } from '@/components/ui/form';
import { startImageSyncAction, startSizeSyncAction } from '@/lib/sync/actions';

type Props = { dataCenterId: string; onClose: () => void };

/** Starts Sync Available Images; on success the action opens the job's page. */
export function SyncImagesForm({ dataCenterId, onClose }: Props) {
  const [state, formAction] = useActionState(startImageSyncAction, undefined);
  return (
    <form action={formAction} className="space-y-4" aria-label="Sync Available Images">
      <p className="text-sm text-slate-700">
        Reads the image sidecars on every enabled node of this data center and brings the records in line: files found
        are installed, records whose file is gone become missing, and images the portal does not know are reported,
        never adopted.
      </p>
      <input type="hidden" name="dataCenterId" value={dataCenterId} />
      <CheckboxField
        name="verify"
        label="Verify checksums"
        hint="Each node re-hashes every image file it holds; slower, and catches files damaged in place."
      />
      <FormError state={state} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton pendingText="Starting…">Start sync</SubmitButton>
      </div>
    </form>
  );
}

/** Starts Sync Available Sizes; on success the action opens the job's page. */
export function SyncSizesForm({ dataCenterId, onClose }: Props) {
  const [state, formAction] = useActionState(startSizeSyncAction, undefined);
  return (
    <form action={formAction} className="space-y-4" aria-label="Sync Available Sizes">
      <p className="text-sm text-slate-700">
        Reads CPUs, memory and free disk from every enabled node, then records which VM sizes at least one node here can
        host, and why the others do not fit.
      </p>
      <input type="hidden" name="dataCenterId" value={dataCenterId} />
      <FormError state={state} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <SubmitButton pendingText="Starting…">Start sync</SubmitButton>
      </div>
    </form>
  );
}
