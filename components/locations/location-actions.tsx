'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { FormDialog } from './form-dialog';
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

const ITEM =
  'block w-full px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none';

/**
 * Location Details' Actions menu: a disclosure button with a list of actions (links and buttons, so
 * Tab and Enter work as everywhere else); actions that take input open a modal dialog.
 */
export function LocationActions({ dataCenterId, mayManage, mayAttach, sizes }: Props) {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const menuId = useId();
  const container = useRef<HTMLDivElement>(null);
  const dialogs = {
    syncImages: useRef<HTMLDialogElement>(null),
    syncSizes: useRef<HTMLDialogElement>(null),
    addSize: useRef<HTMLDialogElement>(null),
    deleteSizes: useRef<HTMLDialogElement>(null),
  };
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
  const openDialog = (ref: RefObject<HTMLDialogElement | null>) => {
    setOpen(false);
    setNotice(null);
    ref.current?.showModal();
  };
  const item = (label: string, ref: RefObject<HTMLDialogElement | null>) => (
    <li>
      <button type="button" className={ITEM} onClick={() => openDialog(ref)}>
        {label}
      </button>
    </li>
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
        {mayManage && item('Sync Available Images…', dialogs.syncImages)}
        {mayManage && item('Sync Available Sizes…', dialogs.syncSizes)}
        {mayManage && link('Add node', `/locations/${dataCenterId}/nodes/new`)}
        {mayManage && item('Add VM size…', dialogs.addSize)}
        {mayManage && item('Delete unused VM sizes…', dialogs.deleteSizes)}
        {mayAttach && link('Attach image', '#section-images-attached')}
      </ul>
      <p role="status" aria-live="polite" className="absolute right-0 mt-1 w-72 text-right text-sm text-emerald-800">
        {notice}
      </p>
      {mayManage && (
        <>
          <FormDialog dialogRef={dialogs.syncImages} title="Sync Available Images">
            <SyncImagesForm dataCenterId={dataCenterId} dialogRef={dialogs.syncImages} />
          </FormDialog>
          <FormDialog dialogRef={dialogs.syncSizes} title="Sync Available Sizes">
            <SyncSizesForm dataCenterId={dataCenterId} dialogRef={dialogs.syncSizes} />
          </FormDialog>
          <FormDialog dialogRef={dialogs.addSize} title="Add VM size">
            <AddSizeForm dialogRef={dialogs.addSize} onDone={setNotice} />
          </FormDialog>
          <FormDialog dialogRef={dialogs.deleteSizes} title="Delete unused VM sizes">
            <DeleteSizesForm sizes={sizes} dialogRef={dialogs.deleteSizes} onDone={setNotice} />
          </FormDialog>
        </>
      )}
    </div>
  );
}
