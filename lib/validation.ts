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

/**
 * Control characters: never part of what a person means to type, and dangerous where text reaches
 * a node or a URL (curl stops reading a URL at a NUL; a newline splits a command's input). Tab,
 * line feed and carriage return are allowed in multi-line fields such as descriptions and keys.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LINE_BREAK_OR_CONTROL = /[\u0000-\u001f\u007f]/;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first string field, at any depth, holding a control character; null when there is none. */
export function findControlCharacter(value: unknown, field = ''): { field: string; codePoint: string } | null {
  if (typeof value === 'string') {
    const found = CONTROL_CHARACTER.exec(value);
    return found ? { field: field || 'input', codePoint: codePoint(found[0]) } : null;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findControlCharacter(item, field);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const found = findControlCharacter(item, field ? `${field}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** A one-line field: no control characters at all, line breaks and tabs included. */
export function singleLine(text: string): boolean {
  return !LINE_BREAK_OR_CONTROL.test(text);
}

export const URL_TEXT_ERROR = 'A URL cannot contain spaces, line breaks or control characters; write a space as %20.';

/** A URL as typed: one line, and no spaces (a space must be written %20). */
export function plainUrlText(text: string): boolean {
  return singleLine(text) && !/\s/.test(text);
}
