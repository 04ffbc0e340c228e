/**
 * A plausible request body for a JSON schema (the OpenAPI document's): what a caller who read the
 * document would send, so a route is shown to refuse the caller and not merely a malformed body.
 */
import crypto from 'node:crypto';

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  minLength?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

/** Values a generic string would not pass for: patterns the sample cannot guess. */
const BY_FIELD: Record<string, unknown> = {
  fingerprint: `SHA256:${'A'.repeat(43)}`,
  hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
  version: '1',
  port: 22,
  url: 'https://images.example/imgapi',
  sourceUrl: 'https://images.example/anonymous.qcow2',
  imageDir: '/srv/images',
  host: '192.0.2.10',
  privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
};

/** The required fields of `schema` with plausible values, leaving out `omit` (what the path says). */
export function sampleBody(schema: Schema, omit: string[] = []): Record<string, unknown> {
  const object = schema.oneOf?.[0] ?? schema.anyOf?.[0] ?? schema;
  const fields = (object.required ?? []).filter((name) => !omit.includes(name));
  return Object.fromEntries(fields.map((name) => [name, sampleValue(name, object.properties?.[name] ?? {})]));
}

function sampleValue(name: string, schema: Schema): unknown {
  if (name in BY_FIELD) return BY_FIELD[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alternative = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (alternative) return sampleValue(name, alternative);
  // A field that takes a string or something more specific gets the specific kind.
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'string') ?? 'string') : schema.type;
  switch (type) {
    case 'object':
      return sampleBody(schema);
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sampleValue(name, schema.items ?? {}));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'uuid') return crypto.randomUUID();
      return 'anonymous'.padEnd(schema.minLength ?? 0, '-x');
  }
}
