'use client';

import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import type { AvailabilityRow as Row } from '@/lib/availability/queries';
import { isJobActive } from '@/lib/db/enums';

/** One node on the Image Availability page: its checkbox, statuses, last job and live progress. */
export function AvailabilityRow({
  row,
  checked,
  onToggle,
  sharedLockId,
}: {
  row: Row;
  checked: boolean;
  onToggle: (checked: boolean) => void;
  /** Where the reason shared by every row of the data center is said, once, above the table. */
  sharedLockId?: string;
}) {
  const job = row.lastJob;
  const transferring = job && isJobActive(job.status) && job.kind === 'install';
  const reasonId = sharedLockId ?? `locked-${row.nodeId}`;
  return (
    <tr data-testid={`availability-${row.nodeName}`} className={row.locked ? 'bg-slate-50 text-slate-500' : undefined}>
      <Td>
        <input
          type="checkbox"
          className="size-4 accent-sky-700"
          checked={checked}
          disabled={row.locked !== null}
          aria-label={`Available on ${row.nodeName}`}
          aria-describedby={row.locked ? reasonId : undefined}
          onChange={(e) => onToggle(e.target.checked)}
        />
      </Td>
      <Td>
        <TextLink href={`/nodes/${row.nodeId}`} className="font-medium">
          {row.nodeName}
        </TextLink>
        <div className="font-mono text-xs text-slate-500">{row.host}</div>
        {row.locked && !sharedLockId && (
          <div id={reasonId} className="mt-1 text-xs text-amber-800">
            {row.locked}
          </div>
        )}
      </Td>
      <Td>
        <StatusBadge status={row.nodeStatus} />
      </Td>
      <Td>
        <span data-testid="node-image-state">
          {row.state ? <StatusBadge status={row.state} /> : <span className="text-slate-500">not installed</span>}
        </span>
        {row.state === 'installed' && !row.available && <div className="text-xs text-slate-500">not offered</div>}
        {row.copiedFrom && (
          <div className="text-xs text-slate-500" data-testid="copied-from">
            copied from <TextLink href={`/nodes/${row.copiedFrom.nodeId}`}>{row.copiedFrom.nodeName}</TextLink>
          </div>
        )}
      </Td>
      <Td>{row.machines > 0 ? `${row.machines} machine${row.machines > 1 ? 's' : ''}` : '—'}</Td>
      <Td>
        {job ? (
          <span className="flex items-center gap-2">
            <TextLink href={`/jobs/${job.id}`}>{job.kind}</TextLink>
            <StatusBadge status={job.status} />
          </span>
        ) : (
          '—'
        )}
      </Td>
      <Td className="min-w-48">
        {transferring ? (
          <ProgressBar
            label={`Install on ${row.nodeName}`}
            value={job.bytesDone}
            max={job.bytesTotal}
            unit="bytes"
            compact
          >{` · ${job.phase ?? 'queued'}`}</ProgressBar>
        ) : null}
      </Td>
    </tr>
  );
}
