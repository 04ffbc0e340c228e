'use client';

import { useState } from 'react';
import { Combobox, type ComboboxOption } from '@/components/ui/combobox';

const INPUT_ID = 'job-filter-image';

/**
 * The Jobs filter's Image field: a search as you type over the images with jobs the user may see
 * (the server finds them; a select of them all was 10,000 options and 2 MB of HTML at seed:large
 * scale). The form sends the choice as `imageId`, as the select did.
 *
 * The image the URL already filters by stays the choice until another is picked or it is dropped
 * with "Any image": the search field shows its name where the text goes, and says so to screen
 * readers, while the field is empty.
 */
export function JobImageFilter({ chosen }: { chosen: ComboboxOption | null }) {
  const [kept, setKept] = useState(chosen);
  const [picked, setPicked] = useState<ComboboxOption | null>(null);
  const showsKept = kept !== null && picked === null;
  return (
    <div>
      <Combobox
        id={INPUT_ID}
        label="Image"
        source="/jobs/filter-images"
        placeholder={kept?.label ?? 'Any image'}
        hint={showsKept ? `Now ${kept.label}; type to choose another.` : 'Type a name or alias to search.'}
        onChange={setPicked}
      />
      <input type="hidden" name="imageId" value={(picked ?? kept)?.value ?? ''} />
      {showsKept && (
        <button
          type="button"
          onClick={() => {
            setKept(null);
            // The button goes away; the search field is where the choice is made now.
            document.getElementById(INPUT_ID)?.focus();
          }}
          className="mt-1 text-sm text-sky-700 underline decoration-sky-700/40 underline-offset-2 hover:decoration-sky-700"
        >
          Any image
        </button>
      )}
    </div>
  );
}
