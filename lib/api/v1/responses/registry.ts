import 'server-only';
import { z } from 'zod';

/**
 * The named answers of the JSON API v1. Each success response is a zod schema registered here under
 * the name the OpenAPI document gives it (`components.schemas`); the handlers send what the schema
 * parses a result to, so the document describes exactly what goes over the wire.
 */
export const RESPONSES = z.registry<{ id: string }>();

/** Registers `schema` as the component `id` and returns it, for use in an endpoint's `response`. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  // describe() returns a copy, so a schema shared elsewhere keeps its own (lack of) description.
  const described = description ? schema.describe(description) : schema;
  RESPONSES.add(described, { id });
  return described;
}

/** The database holds Dates; JSON carries them as ISO 8601 text, which is what the document promises. */
export const timestamp = z.codec(z.date(), z.iso.datetime(), {
  decode: (date) => date.toISOString(),
  encode: (text) => new Date(text),
});

export const count = z.number().int().min(0);

/** Bytes, sizes and counters: whole numbers. */
export const bytes = z.number().int().min(0);
