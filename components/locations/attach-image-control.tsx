'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';

export type AttachCandidate = { id: string; name: string; version: string; access: string };

/** Picks one of the images this user may attach to the data center, and attaches it. */
export function AttachImageControl(props: {
  candidates: AttachCandidate[];
  pending: boolean;
  onAttach: (image: AttachCandidate) => void;
}) {
  const [choice, setChoice] = useState('');
  const selectId = useId();
  // Once attached, the image leaves the candidates and the choice falls back to none; a refusal keeps it.
  const chosen = props.candidates.find((c) => c.id === choice);
  if (props.candidates.length === 0) {
    return <p className="text-sm text-slate-600">There is no other image you may attach here.</p>;
  }
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor={selectId} className="block text-sm font-medium text-slate-700">
          Attach image
        </label>
        <select
          id={selectId}
          className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          value={chosen ? choice : ''}
          onChange={(e) => setChoice(e.target.value)}
        >
          <option value="">Choose an image…</option>
          {props.candidates.map((c) => (
            <option key={c.id} value={c.id}>
              {`${c.name} (${c.version})${c.access === 'public' ? '' : `, ${c.access}`}`}
            </option>
          ))}
        </select>
      </div>
      <Button disabled={props.pending || !chosen} onClick={() => chosen && props.onAttach(chosen)}>
        Attach
      </Button>
    </div>
  );
}
