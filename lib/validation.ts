import { z } from 'zod';

/**
 * Small zod building blocks for form input, where an empty field arrives as '' and a number as text,
 * and the words every schema speaks when it gives no message of its own.
 */

/** Words that read as one when a field name is spelled out: `sourceUrl` is "Source URL". */
const ACRONYMS: Record<string, string> = {
  api: 'API',
  cpu: 'CPU',
  dc: 'DC',
  gb: 'GB',
  id: 'ID',
  ids: 'IDs',
  md5: 'MD5',
  mb: 'MB',
  os: 'OS',
  ram: 'RAM',
  sha256: 'SHA-256',
  ssh: 'SSH',
  url: 'URL',
  uuid: 'UUID',
  vcpus: 'vCPUs',
};

/** `sshUser` → "SSH user"; the last name on the path, since a list's items are numbered. */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const name = [...path].reverse().find((key): key is string => typeof key === 'string');
  if (!name) return 'This value';
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word.toLowerCase());
  const first = words[0] ?? name;
  words[0] = first === first.toLowerCase() ? first.charAt(0).toUpperCase() + first.slice(1) : first;
  return words.join(' ');
}

const KIND_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
};
const SIZE_UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
};
const FORMAT_WORDS: Record<string, string> = {
  uuid: 'a valid ID',
  url: 'a valid URL',
  email: 'a valid email address',
  datetime: 'a date and time',
  date: 'a date',
};

const listed = (values: readonly unknown[]) =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

function bound(label: string, origin: string, limit: number | bigint, inclusive: boolean, least: boolean): string {
  const unit = SIZE_UNITS[origin];
  if (unit) return `${label} must have ${least ? 'at least' : 'at most'} ${limit} ${limit === 1 ? unit[0] : unit[1]}.`;
  if (inclusive) return `${label} must be ${least ? 'at least' : 'at most'} ${limit}.`;
  return `${label} must be ${least ? 'greater' : 'less'} than ${limit}.`;
}

/**
 * The portal's wording for what a schema leaves unsaid: "Name is required.", "Port must be a whole
 * number.", never the validator's own "Invalid input: expected string, received undefined". A
 * message a schema gives itself still wins (zod asks a schema's own message first).
 */
export function plainIssueMessage(issue: z.core.$ZodRawIssue): string {
  const label = fieldLabel(issue.path ?? []);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return `${label} is required.`;
      return `${label} must be ${KIND_WORDS[issue.expected] ?? issue.expected}.`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return `${label} is required.`;
      return bound(label, issue.origin, issue.minimum, issue.inclusive ?? true, true);
    case 'too_big':
      return bound(label, issue.origin, issue.maximum, issue.inclusive ?? true, false);
    case 'invalid_format':
      return `${label} must be ${FORMAT_WORDS[issue.format] ?? 'in the expected form'}.`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `${label} must be ${listed(issue.values)}.`
        : `${label} must be one of: ${listed(issue.values)}.`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) return `${label} must be one of: ${listed(options)}.`;
      return `${label} does not match any accepted form.`;
    }
    case 'unrecognized_keys':
      return `Unknown field(s): ${issue.keys.join(', ')}.`;
    case 'not_multiple_of':
      return `${label} must be a multiple of ${issue.divisor}.`;
    default:
      return `${label} is not valid.`;
  }
}

// Global, so every parse speaks the same words: the API's 400s and the forms' field messages alike.
z.config({ customError: plainIssueMessage });

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
