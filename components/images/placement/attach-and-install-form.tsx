'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-button';
import type { PlacementCandidate } from '@/lib/availability/placement';
import { attachAndInstallAction } from '@/lib/install/actions';

type Props = { imageId: string; imageName: string; dataCenterName: string; candidates: PlacementCandidate[] };

/**
 * Where the image is not attached yet, for someone who may attach it: pick a node, then confirm
 * "Attach to <data center> and install" as one step; the job's page shows its progress.
 */
export function AttachAndInstallForm({ imageId, imageName, dataCenterName, candidates }: Props) {
  const router = useRouter();
  const selectId = useId();
  const [nodeId, setNodeId] = useState(candidates[0]?.nodeId ?? '');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const node = candidates.find((c) => c.nodeId === nodeId);
  const confirm = () =>
    startTransition(async () => {
      const result = await attachAndInstallAction(null, { imageId, nodeId });
      if (!result.ok) return setError(result.error);
      router.push(`/jobs/${result.data.jobId}`);
    });
  return (
    <div className="flex flex-wrap items-end gap-3">
      <label htmlFor={selectId} className="text-sm font-medium text-slate-700">
        Node
        <select
          id={selectId}
          value={nodeId}
          onChange={(e) => setNodeId(e.target.value)}
          className="mt-1 block min-w-64 rounded-md border border-slate-300 px-3 py-2 text-sm"
        >
          {candidates.map((c) => (
            <option key={c.nodeId} value={c.nodeId}>
              {c.nodeName}
            </option>
          ))}
        </select>
      </label>
      <Button disabled={!node || pending} onClick={() => setConfirming(true)}>
        Attach to {dataCenterName} and install
      </Button>
      {error && (
        <p role="alert" className="basis-full text-sm text-red-700">
          {error}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Attach ${imageName} to ${dataCenterName}?`}
        keepLabel="Not now"
        confirmLabel="Attach and install"
        variant="primary"
        disabled={pending}
        onConfirm={confirm}
      >
        {imageName} becomes usable on every node of {dataCenterName}, and is installed on {node?.nodeName} now.
      </ConfirmDialog>
    </div>
  );
}
