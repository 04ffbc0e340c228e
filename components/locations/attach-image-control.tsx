'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Combobox } from '@/components/ui/combobox';
import type { AttachOption } from '@/lib/locations/schemas';

/**
 * Finds one of the images this user may attach to the data center, by name as they type (the
 * server searches, applying the policy), and attaches it. A data center may have thousands of
 * candidates: listing them all in a select made the page megabytes.
 */
export function AttachImageControl(props: {
  dataCenterId: string;
  pending: boolean;
  onAttach: (image: { id: string; name: string }) => Promise<boolean>;
}) {
  const [chosen, setChosen] = useState<AttachOption | null>(null);
  // A new key clears the search once the image is attached (it is no longer a candidate).
  const [round, setRound] = useState(0);
  const attach = async () => {
    if (!chosen) return;
    const attached = await props.onAttach({ id: chosen.value, name: chosen.name });
    if (attached) {
      setChosen(null);
      setRound(round + 1);
    }
  };
  return (
    <div className="flex flex-wrap items-start gap-2">
      <div className="w-full max-w-md">
        <Combobox<AttachOption>
          key={round}
          label="Attach image"
          source={`/locations/${props.dataCenterId}/attachable-images`}
          placeholder="Type to search images…"
          hint="Global images not attached here yet, by name or alias."
          onChange={setChosen}
          // After an attach, ready for the next search rather than leaving focus on a disabled button.
          autoFocus={round > 0}
        />
      </div>
      <Button className="mt-6" disabled={props.pending || !chosen} onClick={attach}>
        Attach
      </Button>
    </div>
  );
}
