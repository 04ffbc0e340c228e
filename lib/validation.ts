import { z } from 'zod';

/**
 * Small zod building blocks for form input, where an empty field arrives as '' and a number as text.
 */

/** Trims text; '' and whitespace become undefined, so optional fields can be left blank. */
export function optionalText<T extends z.ZodType<string, string>>(schema?: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), (schema ?? z.string()).optional());
}

const blankOrNumber = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.trim())) : v);

function wholeNumber(min: number, max: number, label: string) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${label} is required.` : `${label} must be a number.`) })
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be at least ${min}.`)
    .max(max, `${label} must be at most ${max}.`);
}

/** A whole number from a text field. */
export function requiredInt(min: number, max: number, label: string) {
  return z.preprocess(blankOrNumber, wholeNumber(min, max, label));
}

/** A whole number from a text field that may be left blank. */
export function optionalInt(min: number, max: number, label: string) {
  return z.preprocess(blankOrNumber, wholeNumber(min, max, label).optional());
}

/** An HTML checkbox: present ('on' or 'true') means true. */
export const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

export const id = z.uuid('Not a valid id.');
