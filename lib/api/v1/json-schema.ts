import 'server-only';
import { z } from 'zod';
import type { WriteEndpoint } from './endpoint';

/**
 * JSON Schema from the zod schemas the API parses with: request bodies as a caller writes them
 * (without what the path already says), and the fields a body may carry at all, which the handler
 * holds a body to. One derivation, so the document and the refusal of unknown fields agree.
 */

export type JsonSchema = {
  [key: string]: unknown;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
};

export const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/**
 * What zod writes that a reader of the document does not need: the regular expression behind a
 * named format (uuid, date-time), and JavaScript's safe-integer bounds. An enum of whole numbers
 * (a page size) is an integer.
 */
export function tidySchema({ jsonSchema }: { jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const schema = jsonSchema as JsonSchema;
  if (schema.format && schema.pattern) delete schema.pattern;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
  if (schema.type === 'number' && schema.enum?.every((v) => Number.isInteger(v))) schema.type = 'integer';
}

/** One zod schema as the document shows it, for the `io` side: what is sent, or what comes back. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', override: tidySchema }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The shapes of an object schema, or of each object of a union, in the order toJSONSchema lists them. */
function objectShapes(schema: z.ZodType): Record<string, z.ZodType>[] {
  if (schema instanceof z.ZodObject) return [schema.shape as Record<string, z.ZodType>];
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(objectShapes);
  if (schema instanceof z.ZodPipe) return objectShapes(schema.in as z.ZodType);
  return [];
}

const bodies = new WeakMap<WriteEndpoint, JsonSchema>();

/**
 * The operation's input as a JSON request body: without the fields the path or the route already
 * gives (the path's value would win anyway), closed to any other field, and requiring only what
 * the operation refuses to go without (a checkbox left out is false, not missing).
 */
export function requestBodySchema(endpoint: WriteEndpoint): JsonSchema {
  const cached = bodies.get(endpoint);
  if (cached) return cached;
  const input = toJsonSchema(endpoint.op.input, 'input');
  const output = toJsonSchema(endpoint.op.input, 'output');
  const branches = input.oneOf ?? input.anyOf ?? [input];
  const shapes = objectShapes(endpoint.op.input);
  if (shapes.length !== branches.length)
    throw new Error(`${endpoint.method} ${endpoint.path}: a JSON body must be an object or a union of objects.`);
  const implied = new Set([...pathParams(endpoint.path), ...Object.keys(endpoint.fixed ?? {})]);
  branches.forEach((branch, index) => {
    const properties = branch.properties ?? {};
    const produced = (output.oneOf ?? output.anyOf ?? [output])[index]?.properties ?? {};
    for (const key of Object.keys(properties)) {
      if (implied.has(key)) delete properties[key];
      // A field zod cannot describe from the input side (a preprocess) is documented by what it becomes.
      else if (Object.keys(properties[key]!).length === 0 && produced[key]) properties[key] = produced[key];
    }
    const required = Object.keys(properties).filter((key) => !shapes[index]![key]!.safeParse(undefined).success);
    if (required.length > 0) branch.required = required;
    else delete branch.required;
    branch.additionalProperties = false;
  });
  bodies.set(endpoint, input);
  return input;
}

/** The fields a JSON body of this endpoint may carry: exactly those its documented body lists. */
export function requestBodyFields(endpoint: WriteEndpoint): Set<string> {
  const schema = requestBodySchema(endpoint);
  const branches = schema.oneOf ?? schema.anyOf ?? [schema];
  return new Set(branches.flatMap((branch) => Object.keys(branch.properties ?? {})));
}
