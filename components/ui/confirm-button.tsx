'use client';

import { useId, useRef, type ReactNode } from 'react';
import { Button } from './button';

/**
 * A destructive action asks first, in a modal <dialog>: focus moves into it, Escape closes it, and
 * the safe choice is focused so a stray Enter does no harm.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  variant?: 'danger' | 'secondary';
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <Button variant={props.variant ?? 'danger'} disabled={props.disabled} onClick={() => dialog.current?.showModal()}>
        {props.label}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form method="dialog" className="space-y-4 p-5">
          <h2 id={titleId} className="text-lg font-semibold">
            {props.title}
          </h2>
          <div className="text-sm text-slate-700">{props.children}</div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" type="submit" autoFocus>
              Keep it
            </Button>
            <Button variant="danger" type="submit" onClick={props.onConfirm}>
              {props.confirmLabel}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
