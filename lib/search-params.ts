import type { z } from 'zod';

/**
 * Reading a listing's search params (Images, Jobs, Audit). They come from a URL anyone can edit, so
 * nothing here throws: a value that does not parse is dropped and its label noted in `ignored`,
 * for the page to say so (and for the JSON API to refuse with 400).
 */

export type RawParams = Record<string, string | string[] | undefined>;

/** The filter forms send '' for "Any"; that means "no filter", not an invalid value. */
export const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A repeated key (?status=a&status=b) only comes from a hand-made URL; the first one counts. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function searchParamReader<S extends Record<string, z.ZodType>>(
  raw: RawParams,
  schemas: S,
  labels: { [K in keyof S]: string },
) {
  const ignored: string[] = [];
  const first = (key: string) => firstValue(raw[key]);
  const value = <F extends keyof S & string>(field: F): z.output<S[F]> | undefined => {
    const parsed = schemas[field]!.safeParse(first(field));
    if (parsed.success) return parsed.data as z.output<S[F]>;
    ignored.push(labels[field]);
    return undefined;
  };
  return { value, first, ignored };
}

/** The same filters without the absent keys, so they compare and serialise as only what is set. */
export function withoutAbsent<T extends object>(filters: T): T {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as T;
}

export function hasAnyFilter(filters: object): boolean {
  return Object.values(filters).some((v) => v !== undefined);
}
