'use client';

import { useState, type ReactNode } from 'react';
import { Button } from './button';
import { Dialog } from './dialog';

type ConfirmDialogProps = {
  open: boolean;
  onClose: () => void;
  title: string;
  /** What happens, in a sentence or two; read out with the title. */
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  /** The safe choice's words. */
  keepLabel?: string;
  variant?: 'danger' | 'primary';
  disabled?: boolean;
};

/**
 * The question before a consequential action, as a modal dialog. The safe choice is focused, so a
 * stray Enter does no harm; confirming closes the dialog and then acts.
 */
export function ConfirmDialog({ keepLabel = 'Keep it', variant = 'danger', ...props }: ConfirmDialogProps) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title} description={props.children} width="content">
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={props.onClose} data-autofocus>
          {keepLabel}
        </Button>
        <Button
          variant={variant}
          disabled={props.disabled}
          onClick={() => {
            props.onClose();
            props.onConfirm();
          }}
        >
          {props.confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}

/** A destructive action's button, which asks first (ConfirmDialog). */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  variant?: 'danger' | 'secondary';
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={props.variant ?? 'danger'} disabled={props.disabled} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={props.title}
        confirmLabel={props.confirmLabel}
        onConfirm={props.onConfirm}
      >
        {props.children}
      </ConfirmDialog>
    </>
  );
}
