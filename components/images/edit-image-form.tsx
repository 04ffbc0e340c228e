'use client';

import { useActionState } from 'react';
import { updateImageAction } from '@/lib/images/actions';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { LinkButton } from '@/components/ui/button';
import {
  ChecksumFields,
  ImageAttributeFields,
  type AttributeValues,
  type BootImageChoices,
} from './image-attribute-fields';

/** The file's facts as the edit page shows them; `sourceUrl` arrives redacted when it is fixed. */
export type FileFacts = { source: 'url' | 'upload'; sourceUrl: string; sha256: string; md5: string; sizeBytes: string };

/**
 * Edits every attribute of an image. Once a file exists its source, checksums, size and disk format
 * are shown but not offered (the server refuses them too); before that they can still be corrected.
 */
export function EditImageForm({
  imageId,
  initial,
  file,
  hasFile,
  bootImages,
}: {
  imageId: string;
  initial: AttributeValues;
  file: FileFacts;
  hasFile: boolean;
  bootImages: BootImageChoices;
}) {
  const [state, formAction] = useActionState(updateImageAction, undefined);
  const feedback = formFeedback(state);
  const { errors, value } = feedback;
  return (
    <form action={formAction} className="space-y-6" noValidate aria-label="Edit image">
      <input type="hidden" name="imageId" value={imageId} />
      <FormError state={state} />
      <ImageAttributeFields feedback={feedback} initial={initial} bootImages={bootImages} diskFormatFixed={hasFile} />
      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">File</legend>
        {hasFile ? (
          <div className="grid gap-4 sm:grid-cols-2" data-testid="fixed-file-fields">
            <p className="text-sm text-slate-700 sm:col-span-2">
              This image has a file, and installs were verified against it: its source, checksums and size cannot
              change. Create a new version instead.
            </p>
            <Fixed label="Source" value={file.source === 'url' ? file.sourceUrl : 'Portal image store'} />
            <Fixed label="Size in bytes" value={file.sizeBytes} />
            <Fixed label="SHA-256" value={file.sha256} />
            <Fixed label="MD5" value={file.md5} />
          </div>
        ) : (
          <>
            {file.source === 'url' && (
              <TextField
                name="sourceUrl"
                label="Source URL"
                type="url"
                errors={errors('sourceUrl')}
                defaultValue={value('sourceUrl', file.sourceUrl)}
              />
            )}
            <ChecksumFields
              feedback={feedback}
              initial={{ sha256: file.sha256, md5: file.md5 }}
              hint="No file exists yet, so these can still be corrected. A field left empty keeps its value."
            />
            {file.source === 'url' && (
              <TextField
                name="sizeBytes"
                label="Size in bytes"
                inputMode="numeric"
                errors={errors('sizeBytes')}
                defaultValue={value('sizeBytes', file.sizeBytes)}
              />
            )}
          </>
        )}
      </fieldset>
      <div className="flex gap-3">
        <SubmitButton pendingText="Saving…">Save changes</SubmitButton>
        <LinkButton href={`/images/${imageId}`} variant="secondary">
          Cancel
        </LinkButton>
      </div>
    </form>
  );
}

/** Read-only, and not sent: the server keeps what it has. */
function Fixed({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <span className="block text-sm font-medium text-slate-800">{label}</span>
      <p className="mt-1 font-mono text-sm break-all text-slate-900">{value || '—'}</p>
    </div>
  );
}
