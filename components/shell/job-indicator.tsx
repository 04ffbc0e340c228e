'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { ProgressBar } from '@/components/ui/progress-bar';
import type { ActiveJob } from '@/lib/jobs/queries';

const POLL_MS = 3000;

/**
 * The header's task log, as in Proxmox: how many jobs are in motion, and on request a popover
 * listing them with their progress, each linking to its page. It polls while the portal is open.
 */
export function JobIndicator() {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const links = () => [...(panel.current?.querySelectorAll<HTMLAnchorElement>('a[href]') ?? [])];
  /** Arrow keys move between the popover's links, as in a menu; Home and End jump to the ends. */
  const moveFocus = (key: string) => {
    const all = links();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = key === 'Home' ? 0 : key === 'End' ? all.length - 1 : key === 'ArrowUp' ? at - 1 : at + 1;
    all.at(((next % all.length) + all.length) % all.length)?.focus();
  };
  const { data } = useQuery({
    queryKey: ['active-jobs'],
    queryFn: async (): Promise<{ jobs: ActiveJob[] }> => {
      const response = await fetch('/api/jobs', { cache: 'no-store' });
      if (!response.ok) throw new Error(`The active jobs could not be read (${response.status}).`);
      return response.json();
    },
    refetchInterval: POLL_MS,
  });
  const jobs = data?.jobs ?? [];
  const running = jobs.filter((job) => job.status === 'running').length;
  // Escape or a click elsewhere closes the popover, as it would any menu; Escape hands focus back.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      if (container.current?.contains(document.activeElement)) button.current?.focus();
    };
    const onClick = (e: MouseEvent) => !container.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);
  return (
    <div ref={container} className="relative">
      <button
        ref={button}
        type="button"
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown') return;
          e.preventDefault();
          setOpen(true);
          // The panel renders open on the next frame; then its first link takes focus.
          requestAnimationFrame(() => links()[0]?.focus());
        }}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        className="rounded-md border border-slate-600 px-3 py-1.5 hover:bg-slate-800"
        data-testid="job-indicator"
      >
        Jobs <span className="ml-1 rounded bg-slate-700 px-1.5 text-xs">{running} running</span>
        {jobs.length > running && <span className="ml-1 text-xs text-slate-300">+{jobs.length - running} queued</span>}
      </button>
      <div
        ref={panel}
        id={panelId}
        hidden={!open}
        onKeyDown={(e) => {
          if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
          e.preventDefault();
          moveFocus(e.key);
        }}
        role="region"
        aria-label="Jobs in motion"
        className="absolute right-0 z-20 mt-2 w-96 rounded-md border border-slate-200 bg-white p-3 text-slate-900 shadow-lg"
      >
        {jobs.length === 0 ? (
          <p className="text-sm text-slate-600">No job is running or queued.</p>
        ) : (
          <ul className="space-y-3">
            {jobs.map((job) => (
              <li key={job.id} className="text-sm">
                <Link
                  href={`/jobs/${job.id}`}
                  className="font-medium underline-offset-2 hover:underline"
                  onClick={() => setOpen(false)}
                >
                  {job.kind} {job.imageName ?? ''}{' '}
                  {job.nodeName ? `on ${job.nodeName}` : job.dataCenterName ? `in ${job.dataCenterName}` : ''}
                </Link>
                <span className="ml-2 text-xs text-slate-600">
                  {job.status}
                  {job.phase ? `, ${job.phase}` : ''}
                </span>
                {job.status === 'running' && job.bytesTotal !== null && (
                  <ProgressBar
                    value={job.bytesDone}
                    max={job.bytesTotal}
                    label={`Progress of ${job.kind}`}
                    unit="bytes"
                    compact
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 border-t border-slate-100 pt-2 text-sm">
          <Link href="/jobs" className="underline-offset-2 hover:underline" onClick={() => setOpen(false)}>
            All jobs
          </Link>
        </p>
      </div>
    </div>
  );
}
