import { z } from 'zod';
import {
  DISK_FORMATS,
  IMAGE_STATUSES,
  OS_TYPES,
  type AccessLevel,
  type DiskFormat,
  type ImageStatus,
  type OsType,
} from '@/lib/db/enums';
import { blank, searchParamReader, withoutAbsent, type RawParams } from '@/lib/search-params';

/**
 * The Images page's search params. They come from a URL anyone can edit, so nothing here throws:
 * a value that does not parse is dropped and named in `ignored`, and the page says so.
 */

export const IMAGE_SORTS = ['name', 'version', 'created', 'size'] as const;
export type ImageSort = (typeof IMAGE_SORTS)[number];
export type SortDirection = 'asc' | 'desc';
/** The direction a column sorts in when first chosen: names A to Z, the newest and largest first. */
export const DEFAULT_DIRECTION: Record<ImageSort, SortDirection> = {
  name: 'asc',
  version: 'asc',
  created: 'desc',
  size: 'desc',
};
export const DEFAULT_SORT: ImageSort = 'name';

/** No access filter means public and private: deleted images are hidden unless asked for. */
export const IMAGE_ACCESS_FILTERS = ['public', 'private', 'deleted', 'all'] as const;
export type ImageAccessFilter = AccessLevel | 'all';

export const IMAGE_PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_IMAGE_PAGE_SIZE = 25;
// Far beyond any real listing; it only keeps absurd numbers out of the OFFSET arithmetic.
const MAX_PAGE = 1_000_000;
export const MAX_SEARCH_LENGTH = 100;

export type ImageListFilters = {
  /** A substring of the name or the alias, any case. */
  q?: string;
  osType?: OsType;
  status?: ImageStatus;
  access?: ImageAccessFilter;
  /** Bound to or attached to this data center. */
  dataCenterId?: string;
  diskFormat?: DiskFormat;
  tag?: string;
};

/** `group: 'alias'` lists the versions of one alias together, the chosen sort applying within. */
export type ImageListOrder = { sort: ImageSort; dir: SortDirection; group?: 'alias' };

export type ImageSearch = { filters: ImageListFilters; order: ImageListOrder; page: number; pageSize: number };

const LABELS = {
  q: 'search',
  osType: 'OS',
  status: 'status',
  access: 'access',
  dataCenterId: 'data center',
  diskFormat: 'format',
  tag: 'tag',
  sort: 'sort',
  dir: 'sort direction',
  group: 'grouping',
  page: 'page',
  pageSize: 'page size',
} as const;
type Field = keyof typeof LABELS;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const text = (max: number) => optional(z.string().trim().max(max));

/** The schema of each search param; the JSON API documents its query parameters from these. */
export function imageSearchFields(known?: { dataCenterIds: readonly string[] }) {
  return {
    q: text(MAX_SEARCH_LENGTH),
    osType: optional(z.enum(OS_TYPES)),
    status: optional(z.enum(IMAGE_STATUSES)),
    access: optional(z.enum(IMAGE_ACCESS_FILTERS)),
    // The listing scopes by the user's data centers whatever is asked; offering only the known ones
    // keeps the filter form showing what actually filters.
    dataCenterId: optional(z.uuid().refine((v) => !known || known.dataCenterIds.includes(v))),
    diskFormat: optional(z.enum(DISK_FORMATS)),
    tag: text(64),
    sort: optional(z.enum(IMAGE_SORTS)),
    dir: optional(z.enum(['asc', 'desc'])),
    group: optional(z.enum(['alias'])),
    page: optional(z.coerce.number().int().min(1).max(MAX_PAGE)),
    pageSize: optional(z.coerce.number().pipe(z.literal(IMAGE_PAGE_SIZES))),
  } satisfies Record<Field, z.ZodType>;
}

/** Parses the Images page's search params; returns the usable values and the labels of those it dropped. */
export function parseImageSearchParams(
  raw: RawParams,
  known?: { dataCenterIds: readonly string[] },
): ImageSearch & { ignored: string[] } {
  const { value, first, ignored } = searchParamReader(raw, imageSearchFields(known), LABELS);
  const filters = withoutAbsent<ImageListFilters>({
    q: value('q'),
    osType: value('osType'),
    status: value('status'),
    // `?show=deleted` is the older "Show deleted images too" link; bookmarks of it keep working.
    access: value('access') ?? (first('show') === 'deleted' ? 'all' : undefined),
    dataCenterId: value('dataCenterId'),
    diskFormat: value('diskFormat'),
    tag: value('tag'),
  });
  const sort = value('sort') ?? DEFAULT_SORT;
  const order: ImageListOrder = { sort, dir: value('dir') ?? DEFAULT_DIRECTION[sort] };
  const group = value('group');
  if (group) order.group = group;
  const page = value('page') ?? 1;
  const pageSize = value('pageSize') ?? DEFAULT_IMAGE_PAGE_SIZE;
  return { filters, order, page, pageSize, ignored };
}

/**
 * The search params that reproduce a search, leaving out every default so URLs stay short (and
 * the bare /images is the default listing). `page` is left to the pagination links.
 */
export function imageSearchParams({
  filters,
  order,
  pageSize,
}: Omit<ImageSearch, 'page'>): Record<string, string | undefined> {
  return {
    ...filters,
    sort: order.sort === DEFAULT_SORT ? undefined : order.sort,
    dir: order.dir === DEFAULT_DIRECTION[order.sort] ? undefined : order.dir,
    group: order.group,
    pageSize: pageSize === DEFAULT_IMAGE_PAGE_SIZE ? undefined : String(pageSize),
  };
}

/** The /images URL for `params`, without empty values. */
export function imagesHref(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, value);
  const search = query.toString();
  return search ? `/images?${search}` : '/images';
}
