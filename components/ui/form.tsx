'use client';

import { useFormStatus } from 'react-dom';
import type { ComponentProps, ReactNode } from 'react';
import type { ActionResult } from '@/lib/actions/operation';
import { buttonClasses } from './button';

const CONTROL =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-sky-600 focus:ring-1 focus:ring-sky-600 focus:outline-none aria-[invalid=true]:border-red-600';

type FieldProps = { name: string; label: string; errors?: string[]; hint?: ReactNode; id?: string };

/** Label, control, hint and inline errors, tied together for screen readers. */
function FieldFrame({
  name,
  label,
  errors,
  hint,
  id,
  children,
}: FieldProps & { children: (aria: object) => ReactNode }) {
  const controlId = id ?? `field-${name}`;
  const describedBy = [hint ? `${controlId}-hint` : '', errors?.length ? `${controlId}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div>
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({
        id: controlId,
        name,
        'aria-invalid': Boolean(errors?.length),
        'aria-describedby': describedBy || undefined,
      })}
      {hint && (
        <p id={`${controlId}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p id={`${controlId}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ name, label, errors, hint, id, ...input }: FieldProps & ComponentProps<'input'>) {
  return (
    <FieldFrame {...{ name, label, errors, hint, id }}>
      {(aria) => <input {...input} {...aria} className={CONTROL} />}
    </FieldFrame>
  );
}

export function TextAreaField({ name, label, errors, hint, id, ...input }: FieldProps & ComponentProps<'textarea'>) {
  return (
    <FieldFrame {...{ name, label, errors, hint, id }}>
      {(aria) => <textarea {...input} {...aria} className={`${CONTROL} font-mono text-xs`} />}
    </FieldFrame>
  );
}

export function SelectField({
  name,
  label,
  errors,
  hint,
  id,
  options,
  ...select
}: FieldProps & ComponentProps<'select'> & { options: readonly (string | { value: string; label: string })[] }) {
  return (
    <FieldFrame {...{ name, label, errors, hint, id }}>
      {(aria) => (
        // React does not move a select to a new defaultValue, and a form action resets the form to
        // the old one: a new key remounts it, so a refused submit keeps the user's choice.
        <select key={String(select.defaultValue ?? '')} {...select} {...aria} className={CONTROL}>
          {options.map((o) => {
            const { value, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
            return (
              <option key={value} value={value}>
                {text}
              </option>
            );
          })}
        </select>
      )}
    </FieldFrame>
  );
}

/** A checkbox with its label beside it, and a hint below, tied together for screen readers. */
export function CheckboxField({
  name,
  label,
  hint,
  id,
  ...input
}: Omit<FieldProps, 'errors'> & ComponentProps<'input'>) {
  const controlId = id ?? `field-${name}`;
  return (
    <div className="flex items-start gap-2">
      <input
        type="checkbox"
        id={controlId}
        name={name}
        aria-describedby={hint ? `${controlId}-hint` : undefined}
        className="mt-1 accent-sky-700"
        {...input}
      />
      <div>
        <label htmlFor={controlId} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint && (
          <p id={`${controlId}-hint`} className="text-xs text-slate-500">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/** A submit button that shows it is working while its form's action runs. */
export function SubmitButton({
  children,
  pendingText,
  variant,
}: {
  children: ReactNode;
  pendingText: string;
  variant?: 'primary' | 'danger';
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} aria-busy={pending} className={buttonClasses(variant)}>
      {pending ? pendingText : children}
    </button>
  );
}

export { CORRECT_FIELDS, FormError } from './form-error';

/** Field errors and submitted values of a failed action, for the fields of a form. */
export function formFeedback(state: ActionResult | undefined) {
  const failed = state && !state.ok ? state : undefined;
  return {
    errors: (field: string) => failed?.fieldErrors?.[field],
    value: (field: string, fallback = '') => failed?.values?.[field] ?? fallback,
    /** An unchecked box sends nothing, so after a failed submit its absence means "unchecked". */
    checked: (field: string, fallback = false) => (failed?.values ? failed.values[field] === 'on' : fallback),
  };
}
