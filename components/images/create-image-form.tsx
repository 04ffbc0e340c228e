'use client';

import { useActionState } from 'react';
import { CONTAINER_FORMATS, DISK_FORMATS, IMAGE_CATEGORIES, OS_TYPES } from '@/lib/db/enums';
import { createImageAction } from '@/lib/images/actions';
import { FormError, formFeedback, SelectField, SubmitButton, TextField } from '@/components/ui/form';

type Option = { value: string; label: string };

export function CreateImageForm({ bindingOptions }: { bindingOptions: Option[] }) {
  const [state, formAction] = useActionState(createImageAction, undefined);
  const { errors, value } = formFeedback(state);
  const text = (name: string, label: string, extra: Partial<React.ComponentProps<typeof TextField>> = {}) => (
    <TextField name={name} label={label} errors={errors(name)} defaultValue={value(name)} {...extra} />
  );
  const select = (name: string, label: string, options: readonly (string | Option)[], fallback: string) => (
    <SelectField name={name} label={label} options={options} errors={errors(name)} defaultValue={value(name, fallback)} />
  );
  return (
    <form action={formAction} className="space-y-6" noValidate aria-label="Create image">
      <FormError state={state} />
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Identity</legend>
        {text('name', 'Name', { required: true, hint: 'Unique; letters, digits, . _ -' })}
        {text('alias', 'Alias', { hint: 'Groups versions of one image, e.g. ubuntu.' })}
        {text('version', 'Version', { required: true, hint: 'e.g. 24.04 or 2026.11.1' })}
      </fieldset>
      {text('description', 'Description')}
      <fieldset className="grid gap-4 sm:grid-cols-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Kind and format</legend>
        {select('osType', 'OS type', OS_TYPES, 'linux')}
        {select('category', 'Category', IMAGE_CATEGORIES, 'Linux')}
        {select('diskFormat', 'Disk format', DISK_FORMATS, 'qcow2')}
        {select('containerFormat', 'Container format', CONTAINER_FORMATS, 'bare')}
        {text('minDiskGb', 'Minimum disk (GB)', { inputMode: 'numeric', placeholder: '0' })}
        {select('dcBoundId', 'Belongs to', bindingOptions, '')}
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Source and checksums</legend>
        {text('sourceUrl', 'Source URL', {
          required: true,
          type: 'url',
          placeholder: 'https://mirror.example.com/images/ubuntu-24.04.qcow2',
          hint: 'http, https or ftp. Each node downloads the file from here.',
        })}
        <div className="grid gap-4 sm:grid-cols-2">
          {text('sha256', 'SHA-256', { spellCheck: false })}
          {text('md5', 'MD5', { spellCheck: false })}
        </div>
        <p className="text-xs text-slate-500">At least one checksum is required; every install is verified against it.</p>
        {text('sizeBytes', 'Size in bytes (optional)', { inputMode: 'numeric' })}
      </fieldset>
      <SubmitButton pendingText="Creating…">Create image</SubmitButton>
    </form>
  );
}

