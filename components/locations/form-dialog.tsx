'use client';

import { useId, type ReactNode, type RefObject } from 'react';
import { Button } from '@/components/ui/button';

/**
 * A modal <dialog> holding one form of Location Details' Actions menu: focus moves into it, Escape
 * closes it, and Cancel is always there. The opener calls `showModal()` on `dialogRef`.
 */
export function FormDialog({
  dialogRef,
  title,
  children,
}: {
  dialogRef: RefObject<HTMLDialogElement | null>;
  title: string;
  children: ReactNode;
}) {
  const titleId = useId();
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      className="m-auto w-full max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {children}
      </div>
    </dialog>
  );
}

export function CancelButton({ dialogRef }: { dialogRef: RefObject<HTMLDialogElement | null> }) {
  return (
    <Button variant="secondary" onClick={() => dialogRef.current?.close()}>
      Cancel
    </Button>
  );
}
