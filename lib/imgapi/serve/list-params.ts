import { z } from 'zod';
import { ImgapiError } from './errors';

/**
 * The query of `GET /imgapi/images` (IMGAPI ListImages), parsed and checked. Parameters we do not
 * know are ignored, as IMGAPI ignores them: clients send `account`, `channel` or `inclAdminFields`
 * that mean nothing to a repository of public images.
 */

/** States IMGAPI documents for ListImages; `all` means any. We serve only `active` images. */
export const IMGAPI_STATES = ['active', 'unactivated', 'disabled', 'creating', 'failed', 'all'] as const;
export const IMGAPI_SORTS = ['published_at', 'published_at.asc', 'published_at.desc'] as const;
export const MAX_LIMIT = 1000;

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const listParamsSchema = z.object({
  name: text(512).optional(),
  version: text(128).optional(),
  os: text(64).optional(),
  type: text(64).optional(),
  state: z.enum(IMGAPI_STATES, { error: `must be one of ${IMGAPI_STATES.join(', ')}` }).default('active'),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_LIMIT}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${MAX_LIMIT}`).max(MAX_LIMIT, `must be from 1 to ${MAX_LIMIT}`))
    .default(MAX_LIMIT),
  marker: z.string().optional(),
  public: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  sort: z.enum(IMGAPI_SORTS, { error: `must be one of ${IMGAPI_SORTS.join(', ')}` }).default('published_at'),
});

/** An exact value, or `{ contains }` for IMGAPI's `~substring` form (case-sensitive). */
export type TextFilter = { equals: string } | { contains: string };

export type ListParams = {
  name?: TextFilter;
  version?: TextFilter;
  os?: string;
  /** IMGAPI's `type=!zvol` form excludes a type. */
  type?: { equals: string } | { not: string };
  state: (typeof IMGAPI_STATES)[number];
  /** `public=false` asks for private images, which this repository never serves. */
  onlyPrivate: boolean;
  limit: number;
  /** An image UUID (from its published_at on, itself included) or a date (published_at >= it). */
  marker?: { uuid: string } | { since: Date };
  descending: boolean;
};

/** IMGAPI's own test (lib/images.js UUID_RE), looser than RFC 4122: imported uuids keep their form. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws an InvalidParameter ImgapiError naming every bad parameter. */
export function parseListParams(query: URLSearchParams): ListParams {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(listParamsSchema.shape)) {
    const values = query.getAll(key);
    if (values.length > 1) throw invalid([{ field: key, message: 'must be given once' }]);
    if (values.length === 1) raw[key] = values[0]!;
  }
  const parsed = listParamsSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'query'), message: issue.message })),
    );
  }
  const { name, version, sort, type, marker, public: isPublic, ...rest } = parsed.data;
  return {
    ...rest,
    name: textFilter('name', name),
    version: textFilter('version', version),
    type: type === undefined ? undefined : type.startsWith('!') ? { not: type.slice(1) } : { equals: type },
    onlyPrivate: isPublic === 'false',
    marker: markerOf(marker),
    descending: sort === 'published_at.desc',
  };
}

function markerOf(value: string | undefined): ListParams['marker'] {
  if (value === undefined) return undefined;
  if (UUID.test(value)) return { uuid: value.toLowerCase() };
  const since = new Date(value);
  if (value === '' || Number.isNaN(since.getTime()))
    throw invalid([{ field: 'marker', message: 'is not an image UUID or a date' }]);
  return { since };
}

function textFilter(field: string, value: string | undefined): TextFilter | undefined {
  if (value === undefined) return undefined;
  if (!value.startsWith('~')) return { equals: value };
  if (value.length === 1) throw invalid([{ field, message: 'needs a substring after "~"' }]);
  return { contains: value.slice(1) };
}

function invalid(fields: { field: string; message: string }[]): ImgapiError {
  const message = fields.map((f) => `"${f.field}" ${f.message}`).join('; ');
  return new ImgapiError(
    'InvalidParameter',
    `Invalid query parameter: ${message}`,
    fields.map((f) => ({ field: f.field, code: 'Invalid', message: f.message })),
  );
}
