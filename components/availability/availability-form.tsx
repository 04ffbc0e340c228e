'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Table } from '@/components/ui/table';
import { applyImageAvailabilityAction } from '@/lib/availability/actions';
import type { AvailabilityRow as Row, ImageAvailability } from '@/lib/availability/queries';
import { isJobActive, NODE_IMAGE_STATES, NODE_STATUSES } from '@/lib/db/enums';
import { AvailabilityRow } from './availability-row';

async function fetchAvailability(imageId: string, page: number): Promise<ImageAvailability> {
  const response = await fetch(`/api/images/${imageId}/availability?page=${page}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`Could not refresh (HTTP ${response.status}).`);
  return response.json();
}

/** Checked means "offer the image here": available, or on its way there. */
const offered = (row: Row) => row.available || (row.lastJob?.kind === 'install' && isJobActive(row.lastJob.status));

/**
 * The Image Availability table. Rows follow the server (polled, every second while a job runs);
 * a checkbox the user changed keeps their choice until Apply.
 */
export function AvailabilityForm({ initial }: { initial: ImageAvailability }) {
  const queryClient = useQueryClient();
  const page = initial.paging?.page ?? 1;
  const { data, error: refreshError } = useQuery({
    queryKey: ['availability', initial.imageId, page],
    queryFn: () => fetchAvailability(initial.imageId, page),
    initialData: initial,
    refetchInterval: (q) =>
      q.state.data?.groups.some((g) => g.rows.some((r) => r.lastJob && isJobActive(r.lastJob.status))) ? 1000 : 5000,
  });
  const [choices, setChoices] = useState(new Map<string, boolean>());
  const [stateFilter, setStateFilter] = useState('');
  const [statusFilter, setStatusFilter] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  // A reason the server says once for a whole data center locks each of its rows all the same.
  const allGroups = data.groups.map((g) => ({
    ...g,
    rows: g.rows.map((r) => ({ ...r, locked: r.locked ?? g.sharedLock ?? null })),
  }));
  const isChecked = (row: Row) => choices.get(row.nodeId) ?? offered(row);
  const choose = (rows: Row[], value: boolean) =>
    setChoices((prev) => new Map([...prev, ...rows.filter((r) => !r.locked).map((r) => [r.nodeId, value] as const)]));
  const matches = (row: Row) =>
    (!statusFilter || row.nodeStatus === statusFilter) && (!stateFilter || (row.state ?? 'none') === stateFilter);
  const groups = allGroups.map((g) => ({ ...g, rows: g.rows.filter(matches) })).filter((g) => g.rows.length > 0);
  // Only what the user changed is sent: every other node stays exactly as it is (paused installs,
  // images installed but not offered), whatever the filters show.
  const changed = allGroups.flatMap((g) => g.rows).filter((r) => !r.locked && isChecked(r) !== offered(r));
  const removals = changed.filter((r) => !isChecked(r));

  const apply = () =>
    startTransition(async () => {
      const result = await applyImageAvailabilityAction(null, {
        imageId: data.imageId,
        shown: changed.map((r) => r.nodeId),
        available: changed.filter(isChecked).map((r) => r.nodeId),
      });
      if (result.ok) {
        setChoices(new Map());
        setMessage({ ok: true, text: describeChanges(result.data.changes) });
      } else {
        setMessage({ ok: false, text: result.error });
      }
      await queryClient.invalidateQueries({ queryKey: ['availability', data.imageId, page] });
    });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-4">
        <FilterSelect label="Node status" value={statusFilter} onChange={setStatusFilter} options={NODE_STATUSES} />
        <FilterSelect
          label="Image state"
          value={stateFilter}
          onChange={setStateFilter}
          options={[...NODE_IMAGE_STATES, 'none']}
        />
        <div className="ml-auto">
          {!data.mayChange ? null : removals.length > 0 ? (
            <ConfirmButton
              label="Apply"
              title="Remove the image from nodes?"
              confirmLabel="Apply"
              variant="danger"
              disabled={pending}
              onConfirm={apply}
            >
              {data.imageName} will no longer be offered on {removals.map((r) => r.nodeName).join(', ')}, and its file
              is removed there unless a machine uses it. Installs under way there are cancelled.
            </ConfirmButton>
          ) : (
            <Button variant="primary" disabled={pending || changed.length === 0} onClick={apply}>
              Apply
            </Button>
          )}
        </div>
      </div>
      <p className="text-sm text-slate-600">
        {!data.mayChange
          ? 'You may view where this image is offered, but not change it.'
          : changed.length === 0
            ? 'Check or uncheck nodes, then Apply.'
            : `${changed.length} change${changed.length > 1 ? 's' : ''} to apply.`}
      </p>
      <div aria-live="polite" role="status" className="min-h-5 text-sm">
        {message && (
          <span className={message.ok ? 'text-emerald-800' : 'text-red-700'} data-testid="availability-message">
            {message.text}
          </span>
        )}
        {refreshError && <span className="text-amber-700"> {refreshError.message} Retrying.</span>}
      </div>
      {data.groups.length === 0 && (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-600">
          This image is attached to no data center you can see. Attach it to a data center first.
        </p>
      )}
      {data.groups.length > 0 && groups.length === 0 && (
        <p className="text-slate-600">No node matches these filters.</p>
      )}
      {groups.map((group) => (
        <section key={group.dataCenterId} aria-labelledby={`dc-${group.dataCenterId}`} className="space-y-2">
          <div className="flex items-center justify-between">
            <h2 id={`dc-${group.dataCenterId}`} className="text-lg font-semibold">
              {group.dataCenterName}
            </h2>
            {data.mayChange && (
              <Button
                variant="secondary"
                onClick={() => choose(group.rows, true)}
                disabled={group.rows.every((r) => r.locked)}
              >
                Select all in {group.dataCenterName}
              </Button>
            )}
          </div>
          {group.sharedLock && (
            <p id={`lock-${group.dataCenterId}`} className="text-sm text-amber-800">
              {group.sharedLock}
            </p>
          )}
          <Table
            caption={`Nodes of ${group.dataCenterName}`}
            columns={['Available', 'Node', 'Node status', 'Image state', 'Used by', 'Last job', 'Progress']}
            isEmpty={false}
            empty={null}
          >
            {group.rows.map((row) => (
              <AvailabilityRow
                key={row.nodeId}
                row={row}
                checked={isChecked(row)}
                sharedLockId={group.sharedLock ? `lock-${group.dataCenterId}` : undefined}
                onToggle={(value) => choose([row], value)}
              />
            ))}
          </Table>
        </section>
      ))}
    </div>
  );
}

function FilterSelect(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly string[];
}) {
  return (
    <label className="text-sm">
      <span className="block font-medium text-slate-700">{props.label}</span>
      <select
        className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">All</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o === 'none' ? 'not installed' : o}
          </option>
        ))}
      </select>
    </label>
  );
}

function describeChanges(changes: { change: string; nodeName: string }[]): string {
  if (changes.length === 0) return 'Nothing to change.';
  const verbs: Record<string, string> = {
    install: 'install queued',
    uninstall: 'removal queued',
    offer: 'offered again',
    cancel: 'install cancelled',
    forget: 'record cleared',
  };
  return changes.map((c) => `${c.nodeName}: ${verbs[c.change] ?? c.change}`).join('; ') + '.';
}
