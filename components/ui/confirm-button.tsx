'use client';

import { useState, type ReactNode } from 'react';
import { Button } from './button';
import { Dialog } from './dialog';

/**
 * A destructive action asks first, in a modal dialog; the safe choice is focused so a stray Enter
 * does no harm.
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
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <Button variant={props.variant ?? 'danger'} disabled={props.disabled} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <Dialog open={open} onClose={close} title={props.title} description={props.children} width="content">
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} data-autofocus>
            Keep it
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
