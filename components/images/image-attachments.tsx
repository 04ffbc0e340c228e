'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { setImageAttachmentAction } from '@/lib/images/actions';

type DataCenter = { id: string; name: string; mayChange: boolean };

/** The data centers an image is attached to, with Detach (asks first) and an Attach picker. */
export function ImageAttachments(props: {
  imageId: string;
  imageName: string;
  attached: DataCenter[];
  attachable: DataCenter[];
}) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [choice, setChoice] = useState('');
  const change = (dataCenter: DataCenter, attached: boolean) =>
    startTransition(async () => {
      const result = await setImageAttachmentAction(null, {
        imageId: props.imageId,
        dataCenterId: dataCenter.id,
        attached,
      });
      if (!result.ok) return setMessage({ ok: false, text: result.error });
      const withdrawn =
        result.data.withdrawn > 0 ? ` Its copies on ${result.data.withdrawn} node(s) there are no longer offered.` : '';
      setMessage({ ok: true, text: `${attached ? 'Attached to' : 'Detached from'} ${dataCenter.name}.${withdrawn}` });
      setChoice('');
    });
  const chosen = props.attachable.find((dc) => dc.id === choice);
  return (
    <div className="space-y-3" data-testid="image-attachments">
      {props.attached.length === 0 ? (
        <p className="text-sm text-slate-600">Attached to no data center yet: its nodes cannot offer it.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {props.attached.map((dc) => (
            <li key={dc.id} className="flex items-center justify-between px-4 py-2 text-sm">
              <span>{dc.name}</span>
              {dc.mayChange && (
                <ConfirmButton
                  label="Detach"
                  title={`Detach from ${dc.name}?`}
                  confirmLabel="Detach"
                  disabled={pending}
                  onConfirm={() => change(dc, false)}
                >
                  {props.imageName} can no longer be installed in {dc.name}, and copies already on its nodes stop being
                  offered. Refused while a machine there uses it.
                </ConfirmButton>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.attachable.length > 0 && (
        <div className="flex items-end gap-2">
          <label className="text-sm">
            <span className="block font-medium text-slate-700">Attach to</span>
            <select
              className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5"
              value={choice}
              onChange={(e) => setChoice(e.target.value)}
            >
              <option value="">Choose a data center…</option>
              {props.attachable.map((dc) => (
                <option key={dc.id} value={dc.id}>
                  {dc.name}
                </option>
              ))}
            </select>
          </label>
          <Button disabled={pending || !chosen} onClick={() => chosen && change(chosen, true)}>
            Attach
          </Button>
        </div>
      )}
      <p
        role="status"
        aria-live="polite"
        className={`min-h-5 text-sm ${message?.ok ? 'text-emerald-800' : 'text-red-700'}`}
      >
        {message?.text}
      </p>
    </div>
  );
}
