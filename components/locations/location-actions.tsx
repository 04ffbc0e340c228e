'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { AddSizeForm, DeleteSizesForm, type SizeChoice } from './size-forms';
import { SyncImagesForm, SyncSizesForm } from './sync-forms';

type Props = {
  dataCenterId: string;
  /** SuperAdmins: syncs, nodes and sizes (infrastructure.manage). */
  mayManage: boolean;
  /** Whether the Attach control is on the page for this user. */
  mayAttach: boolean;
  sizes: SizeChoice[];
};

/** The actions that open a dialog, by the dialog's title. */
type DialogTitle = 'Sync Available Images' | 'Sync Available Sizes' | 'Add VM size' | 'Delete unused VM sizes';

const ITEM =
  'block w-full px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none';

/**
 * Location Details' Actions menu: a disclosure button with a list of actions (links and buttons, so
 * Tab and Enter work as everywhere else); actions that take input open a modal dialog.
 */
export function LocationActions({ dataCenterId, mayManage, mayAttach, sizes }: Props) {
  const [open, setOpen] = useState(false);
  const [openDialog, setOpenDialog] = useState<DialogTitle | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const menuId = useId();
  const router = useRouter();
  const container = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  // Escape or a click elsewhere closes the menu, as users expect of a menu.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => !container.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);
  if (!mayManage && !mayAttach) return null;
  const show = (title: DialogTitle) => {
    setOpen(false);
    setNotice(null);
    // The menu item is hidden with the menu; the dialog gives focus back to the Actions button instead.
    toggle.current?.focus();
    setOpenDialog(title);
  };
  const close = () => setOpenDialog(null);
  const done = (message: string) => {
    close();
    setNotice(message);
    router.refresh();
  };
  const item = (title: DialogTitle) => (
    <li>
      <button type="button" className={ITEM} onClick={() => show(title)}>
        {title}…
      </button>
    </li>
  );
  const dialog = (title: DialogTitle, form: ReactNode) => (
    <Dialog open={openDialog === title} onClose={close} title={title} width="lg">
      {form}
    </Dialog>
  );
  const link = (label: string, href: string): ReactNode => (
    <li>
      <Link href={href} className={ITEM} onClick={() => setOpen(false)}>
        {label}
      </Link>
    </li>
  );
  return (
    <div ref={container} className="relative">
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
        className={buttonClasses('secondary')}
      >
        Actions <span aria-hidden="true">▾</span>
      </button>
      <ul
        id={menuId}
        hidden={!open}
        aria-label="Location actions"
        className="absolute right-0 z-10 mt-1 w-64 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
      >
        {mayManage && item('Sync Available Images')}
        {mayManage && item('Sync Available Sizes')}
        {mayManage && link('Add node', `/locations/${dataCenterId}/nodes/new`)}
        {mayManage && item('Add VM size')}
        {mayManage && item('Delete unused VM sizes')}
        {mayAttach && link('Attach image', '#section-images-attached')}
      </ul>
      <p role="status" aria-live="polite" className="absolute right-0 mt-1 w-72 text-right text-sm text-emerald-800">
        {notice}
      </p>
      {mayManage && (
        <>
          {dialog('Sync Available Images', <SyncImagesForm dataCenterId={dataCenterId} onClose={close} />)}
          {dialog('Sync Available Sizes', <SyncSizesForm dataCenterId={dataCenterId} onClose={close} />)}
          {dialog('Add VM size', <AddSizeForm onClose={close} onDone={done} />)}
          {dialog('Delete unused VM sizes', <DeleteSizesForm sizes={sizes} onClose={close} onDone={done} />)}
        </>
      )}
    </div>
  );
}
