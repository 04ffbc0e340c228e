'use client';

import { useId, useState, type ReactNode } from 'react';

/**
 * One audit event: its compact line (`cells`), and below it the details, shown on demand. The
 * toggle is a button with aria-expanded that names the event it opens, so a screen reader knows
 * what it is before pressing it; the details row follows it in reading order.
 */
export function AuditEventRow({
  cells,
  details,
  label,
  columnCount,
}: {
  cells: ReactNode;
  details: ReactNode;
  /** "user.grant-role on grantee-1, 2026-11-20 10:05:00 UTC": what the toggle opens. */
  label: string;
  columnCount: number;
}) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  return (
    <>
      <tr data-testid="audit-event" className={open ? 'bg-slate-50' : undefined}>
        {cells}
        <td className="px-4 py-2 text-right align-top whitespace-nowrap">
          <button
            type="button"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen((o) => !o)}
            className="rounded text-sm text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            <span aria-hidden="true" className="mr-1 inline-block w-3">
              {open ? '▾' : '▸'}
            </span>
            Details<span className="sr-only"> of {label}</span>
          </button>
        </td>
      </tr>
      <tr id={detailsId} hidden={!open} data-testid="audit-event-details" className="bg-slate-50">
        <td colSpan={columnCount} className="px-4 pt-1 pb-3">
          {/* Focusable, so a keyboard can scroll a value too long to wrap (a URL, a checksum). */}
          <div className="overflow-x-auto" tabIndex={0} role="group" aria-label={`Details of ${label}`}>
            {details}
          </div>
        </td>
      </tr>
    </>
  );
}
