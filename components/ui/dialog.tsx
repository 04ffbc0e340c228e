'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';

const WIDTHS = {
  /** As wide as its text, up to a reading width: a question and two buttons. */
  content: 'max-w-md',
  md: 'w-full max-w-md',
  lg: 'w-full max-w-lg',
} as const;

type DialogProps = {
  open: boolean;
  /** Called however the dialog closes: Escape, a button of the caller's, or the caller's own `open`. */
  onClose: () => void;
  title: ReactNode;
  /** Read out with the title when the dialog opens. */
  description?: ReactNode;
  width?: keyof typeof WIDTHS;
  children: ReactNode;
};

/**
 * A modal dialog on the native <dialog>: `showModal()` makes the rest of the page inert (the focus
 * trap) and turns Escape into a close. Focus goes to the first descendant marked `data-autofocus`
 * (or else the first focusable one), and back to the element that had it when the dialog closes.
 */
export function Dialog({ open, onClose, title, description, width = 'md', children }: DialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!open || !dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may be gone (a confirmed Delete becomes Restore); then focus stays where the browser puts it.
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Escape fires `cancel` and then `close`, so `close` covers both. The event is queued, and may
      // arrive after the dialog was opened again (Strict Mode runs effects twice): then it is stale.
      onClose={() => !dialogRef.current?.open && onClose()}
      className={`m-auto rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40 ${WIDTHS[width]}`}
    >
      <div className="space-y-4 p-5">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {description && (
          <div id={descriptionId} className="text-sm text-slate-700">
            {description}
          </div>
        )}
        {children}
      </div>
    </dialog>
  );
}
