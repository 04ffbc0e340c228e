'use client';

import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { createImageAction } from '@/lib/images/actions';
import { SKIP_CHECK_FIELD, type ImageSource } from '@/lib/images/schemas';
import { CheckboxField, FormError, formFeedback, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import {
  ChecksumFields,
  ImageAttributeFields,
  type AttributeValues,
  type BootImageChoices,
  type Option,
} from './image-attribute-fields';
import { UploadProgress, useFileUpload } from './upload-file';

/**
 * Creates an image. With the url source the server action redirects to the new image. With the
 * upload source the action returns the new id instead, and the browser then pushes the chosen file.
 * `initial` prefills fields, e.g. from a sidecar that Sync Available Images found ("Register as new image").
 */
export function CreateImageForm({
  bindingOptions,
  bootImages,
  initial = {},
}: {
  bindingOptions: Option[];
  bootImages: BootImageChoices;
  initial?: AttributeValues;
}) {
  const [state, formAction] = useActionState(createImageAction, undefined);
  const [source, setSource] = useState<ImageSource>('url');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string>();
  const upload = useFileUpload();
  const startUpload = upload.start;
  const startedFor = useRef<string | null>(null);

  const created = state?.ok && state.data.awaitsUpload ? state.data.id : null;
  useEffect(() => {
    if (created && file && startedFor.current !== created) {
      startedFor.current = created;
      startUpload(created, file);
    }
  }, [created, file, startUpload]);

  // The upload path submits by hand: a native form action would reset the form and forget the file.
  const submitWithFile = (event: FormEvent<HTMLFormElement>) => {
    if (source !== 'upload') return;
    event.preventDefault();
    if (!file) {
      setFileError('Choose the image file to upload.');
      return;
    }
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };

  if (created) {
    return (
      <section aria-label="Upload image file" className="space-y-3">
        <p className="text-sm text-slate-700">
          The image was created. It stays pending until its file is uploaded and verified.
        </p>
        <UploadProgress upload={upload} />
      </section>
    );
  }
  const feedback = formFeedback(state);
  const { errors, value } = feedback;
  return (
    <form action={formAction} onSubmit={submitWithFile} className="space-y-6" noValidate aria-label="Create image">
      <FormError state={state} />
      <ImageAttributeFields feedback={feedback} bootImages={bootImages} initial={initial} />
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Ownership</legend>
        <SelectField
          name="dcBoundId"
          label="Belongs to"
          options={bindingOptions}
          errors={errors('dcBoundId')}
          defaultValue={value('dcBoundId')}
        />
        <SelectField
          name="access"
          label="Access"
          options={ACCESS_CHOICES}
          hint="Private images are seen by their owners and SuperAdmins; make it public when it is ready to share."
          errors={errors('access')}
          defaultValue={value('access', 'private')}
        />
        <CheckboxField
          name="protected"
          label="Protected"
          hint="Cannot be disabled or deleted until the flag is cleared."
          defaultChecked={feedback.checked('protected')}
        />
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Source and checksums</legend>
        <SourceChoice source={source} onChange={setSource} />
        {source === 'url' ? (
          <TextField
            name="sourceUrl"
            label="Source URL"
            required
            type="url"
            placeholder="https://mirror.example.com/images/ubuntu-24.04.qcow2"
            hint="http, https or ftp. Each node downloads the file from here."
            errors={errors('sourceUrl')}
            defaultValue={value('sourceUrl')}
          />
        ) : (
          <FileField
            error={fileError}
            onChange={(chosen) => {
              setFile(chosen);
              setFileError(undefined);
            }}
          />
        )}
        <ChecksumFields
          feedback={feedback}
          initial={initial}
          hint={
            source === 'url'
              ? 'At least one checksum, or a checksums file, is required; every install is verified against it.'
              : 'Optional: a checksum given here is verified when the upload ends. Both are computed from the file either way.'
          }
        />
        {source === 'upload' && file && <input type="hidden" name="uploadFileName" value={file.name} />}
        {source === 'url' && errors(SKIP_CHECK_FIELD) && <UncheckedUrlChoice message={errors(SKIP_CHECK_FIELD)![0]!} />}
        {source === 'url' && (
          <TextField
            name="sizeBytes"
            label="Size in bytes (optional)"
            inputMode="numeric"
            errors={errors('sizeBytes')}
            defaultValue={value('sizeBytes', typeof initial.sizeBytes === 'string' ? initial.sizeBytes : '')}
          />
        )}
      </fieldset>
      <SubmitButton pendingText="Creating…">Create image</SubmitButton>
    </form>
  );
}

const ACCESS_CHOICES: Option[] = [
  { value: 'private', label: 'Private' },
  { value: 'public', label: 'Public' },
];

/** Shown when the portal could not reach the URL: the reason, and the choice to save it anyway. */
function UncheckedUrlChoice({ message }: { message: string }) {
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2">
      <p id="field-skipUrlCheck-error" className="text-sm text-amber-900">
        {message}
      </p>
      <CheckboxField
        name={SKIP_CHECK_FIELD}
        label="Save without checking the URL"
        hint="Each node still verifies the file against its checksum when it installs."
      />
    </div>
  );
}

const SOURCE_CHOICES: { value: ImageSource; label: string; hint: string }[] = [
  { value: 'url', label: 'Download from a URL', hint: 'Each node downloads the file itself.' },
  { value: 'upload', label: 'Upload a file', hint: "Into the portal's image store; installs push it to the nodes." },
];

function SourceChoice({ source, onChange }: { source: ImageSource; onChange: (source: ImageSource) => void }) {
  return (
    <div role="radiogroup" aria-label="Image source" className="flex flex-wrap gap-4">
      {SOURCE_CHOICES.map((choice) => (
        <label
          key={choice.value}
          className="flex cursor-pointer items-start gap-2 rounded-md border border-slate-300 px-3 py-2 text-sm has-checked:border-sky-600 has-checked:bg-sky-50"
        >
          <input
            type="radio"
            name="source"
            value={choice.value}
            checked={source === choice.value}
            onChange={() => onChange(choice.value)}
            className="mt-0.5 accent-sky-700"
          />
          <span>
            <span className="block font-medium text-slate-800">{choice.label}</span>
            <span className="block text-xs text-slate-600">{choice.hint}</span>
          </span>
        </label>
      ))}
    </div>
  );
}

/** Deliberately unnamed: the file must never travel inside the server action's form data. */
function FileField({ error, onChange }: { error?: string; onChange: (file: File | null) => void }) {
  return (
    <div>
      <label htmlFor="field-image-file" className="block text-sm font-medium text-slate-800">
        Image file
      </label>
      <input
        id="field-image-file"
        type="file"
        required
        aria-invalid={Boolean(error)}
        aria-describedby={error ? 'field-image-file-error' : 'field-image-file-hint'}
        onChange={(e) => onChange(e.currentTarget.files?.[0] ?? null)}
        className="mt-1 block text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium"
      />
      {error ? (
        <p id="field-image-file-error" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : (
        <p id="field-image-file-hint" className="mt-1 text-xs text-slate-500">
          Streamed to the portal with a progress bar; SHA-256 and MD5 are computed as it arrives.
        </p>
      )}
    </div>
  );
}
