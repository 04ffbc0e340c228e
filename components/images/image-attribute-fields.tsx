'use client';

import { BOOT_TYPES, CONTAINER_FORMATS, DISK_FORMATS, IMAGE_CATEGORIES, OS_TYPES } from '@/lib/db/enums';
import { CheckboxField, formFeedback, SelectField, TextAreaField, TextField } from '@/components/ui/form';

export type Option = { value: string; label: string };
export type BootImageChoices = { kernels: Option[]; ramdisks: Option[] };
type Feedback = ReturnType<typeof formFeedback>;

/** What an existing image fills the fields with; a new image starts from the defaults. */
export type AttributeValues = { [field: string]: string | boolean | undefined };

const textOf = (values: AttributeValues, field: string) => {
  const v = values[field];
  return typeof v === 'string' ? v : undefined;
};

const LEGEND = 'mb-2 text-sm font-semibold text-slate-900';

/**
 * The fields every image has, shared by the create and edit forms. The disk format is
 * shown, not offered, once a file exists: installs were verified as that format.
 */
export function ImageAttributeFields({
  feedback,
  initial = {},
  bootImages,
  diskFormatFixed = false,
}: {
  feedback: Feedback;
  initial?: AttributeValues;
  bootImages: BootImageChoices;
  diskFormatFixed?: boolean;
}) {
  const { errors, value, checked } = feedback;
  const text = (name: string, label: string, extra: Partial<React.ComponentProps<typeof TextField>> = {}) => (
    <TextField
      name={name}
      label={label}
      errors={errors(name)}
      defaultValue={value(name, textOf(initial, name))}
      {...extra}
    />
  );
  const select = (
    name: string,
    label: string,
    options: readonly (string | Option)[],
    fallback: string,
    hint?: string,
  ) => (
    <SelectField
      name={name}
      label={label}
      options={options}
      errors={errors(name)}
      defaultValue={value(name, textOf(initial, name) ?? fallback)}
      hint={hint}
    />
  );
  const none = { value: '', label: '— none (whole-disk image) —' };
  return (
    <>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className={LEGEND}>Identity</legend>
        {text('name', 'Name', { required: true, hint: 'Unique; letters, digits, . _ -' })}
        {text('alias', 'Alias', { hint: 'Groups versions of one image, e.g. ubuntu.' })}
        {text('version', 'Version', { required: true, hint: 'Unique per alias, e.g. 24.04 or 2026.11.1' })}
      </fieldset>
      <TextAreaField
        name="description"
        label="Description"
        rows={2}
        errors={errors('description')}
        defaultValue={value('description', textOf(initial, 'description'))}
      />
      <fieldset className="grid gap-4 sm:grid-cols-4">
        <legend className={LEGEND}>Kind and format</legend>
        {select('osType', 'OS type', OS_TYPES, 'linux')}
        {select('category', 'Category', IMAGE_CATEGORIES, 'Linux')}
        {diskFormatFixed ? (
          <FixedValue
            name="diskFormat"
            label="Disk format"
            value={textOf(initial, 'diskFormat') ?? ''}
            why="Fixed: the image has a file."
          />
        ) : (
          select('diskFormat', 'Disk format', DISK_FORMATS, 'qcow2', 'aki: a kernel; ari: a ramdisk.')
        )}
        {select('containerFormat', 'Container format', CONTAINER_FORMATS, 'bare')}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className={LEGEND}>Partition image</legend>
        <p className="text-xs text-slate-500 sm:col-span-2">
          A partition image boots with a separate kernel (aki) and ramdisk (ari) image, and needs both. Leave both empty
          for a whole-disk image.
        </p>
        {select('kernelImageId', 'Kernel image', [none, ...bootImages.kernels], '')}
        {select('ramdiskImageId', 'Ramdisk image', [none, ...bootImages.ramdisks], '')}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className={LEGEND}>Requirements and behaviour</legend>
        {text('minDiskGb', 'Minimum disk (GB)', { inputMode: 'numeric', placeholder: '0' })}
        {text('minRamMb', 'Minimum RAM (MB)', { inputMode: 'numeric', placeholder: '0' })}
        {select('bootType', 'Boot type', BOOT_TYPES, 'bios')}
        <CheckboxField
          name="resizable"
          label="Resizable"
          hint="The disk may grow on deploy."
          defaultChecked={checked('resizable', initial.resizable === true)}
        />
        <CheckboxField
          name="shutdownAfterDeploy"
          label="Shut down after deploy"
          hint="The machine stops once its first boot has finished."
          defaultChecked={checked('shutdownAfterDeploy', initial.shutdownAfterDeploy === true)}
        />
      </fieldset>
      {text('tags', 'Tags', { hint: 'Separated by commas or spaces, e.g. lts, cloud-init.', spellCheck: false })}
    </>
  );
}

/** A value shown but not offered for change; it is still sent, so the server sees it unchanged. */
export function FixedValue({ name, label, value, why }: { name: string; label: string; value: string; why: string }) {
  return (
    <div>
      <span className="block text-sm font-medium text-slate-800" id={`fixed-${name}`}>
        {label}
      </span>
      <p
        className="mt-1 font-mono text-sm text-slate-900"
        aria-labelledby={`fixed-${name}`}
        data-testid={`fixed-${name}`}
      >
        {value || '—'}
      </p>
      <p className="text-xs text-slate-500">{why}</p>
      <input type="hidden" name={name} value={value} />
    </div>
  );
}

/** A checksum as a value, or as the URL of a SHA256SUMS or MD5SUMS list the portal reads. */
export function ChecksumFields({
  feedback,
  initial = {},
  hint,
}: {
  feedback: Feedback;
  initial?: AttributeValues;
  hint: string;
}) {
  const { errors, value } = feedback;
  const text = (name: string, label: string, extra: Partial<React.ComponentProps<typeof TextField>> = {}) => (
    <TextField
      name={name}
      label={label}
      errors={errors(name)}
      defaultValue={value(name, textOf(initial, name))}
      spellCheck={false}
      {...extra}
    />
  );
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        {text('sha256', 'SHA-256')}
        {text('md5', 'MD5')}
      </div>
      {text('checksumUrl', 'Or: URL of a checksums file', {
        type: 'url',
        placeholder: 'https://cloud-images.example.com/releases/24.04/SHA256SUMS',
        hint: 'A SHA256SUMS or MD5SUMS file; the portal reads it and takes the line for the image’s file name.',
      })}
      <p className="text-xs text-slate-500">{hint}</p>
    </>
  );
}
