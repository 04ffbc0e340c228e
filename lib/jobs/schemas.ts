import { z } from 'zod';
import { JOB_KINDS, JOB_STATUSES, type JobKind, type JobStatus } from '@/lib/db/enums';
import { blank, searchParamReader, withoutAbsent, type RawParams } from '@/lib/search-params';

/**
 * The Jobs page's search params. They come from a URL anyone can edit, so nothing here throws:
 * a value that does not parse is dropped and named in `ignored`, and the page says so.
 */

export const JOB_PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_JOB_PAGE_SIZE = 25;
// Far beyond any real listing; it only keeps absurd numbers out of the OFFSET arithmetic.
const MAX_PAGE = 1_000_000;

export type JobListFilters = {
  status?: JobStatus;
  kind?: JobKind;
  nodeId?: string;
  imageId?: string;
};

export type JobSearch = { filters: JobListFilters; page: number; pageSize: number };

/** The field names as the page shows them, so a notice can say what it ignored. */
const LABELS = {
  status: 'status',
  kind: 'kind',
  nodeId: 'node',
  imageId: 'image',
  page: 'page',
  pageSize: 'page size',
} as const;
type Field = keyof typeof LABELS;

const wholeNumber = (max: number) => z.preprocess(blank, z.coerce.number().int().min(1).max(max).optional());

/**
 * The nodes and images the user may filter by. Nodes are few (200 at seed:large scale), so the
 * filter offers and checks them as a list; images may be thousands, so the list holds only the
 * image the URL names, once looked up (`getJobFilterChoices`).
 */
export type JobFilterChoices = {
  nodeIds: readonly string[];
  imageIds: readonly string[];
};

/** The schema of each search param; the JSON API documents its query parameters from these. */
export function jobSearchFields(known: JobFilterChoices) {
  // Node and image ids count only when the user may filter by them (they have a job the user may
  // see), so an id from elsewhere (or a made-up one) neither filters silently to nothing nor probes
  // existence. Only a well-formed id is looked up.
  const oneOf = (ids: readonly string[]) =>
    z.preprocess(
      blank,
      z
        .uuid()
        .refine((id) => ids.includes(id))
        .optional(),
    );
  return {
    status: z.preprocess(blank, z.enum(JOB_STATUSES).optional()),
    kind: z.preprocess(blank, z.enum(JOB_KINDS).optional()),
    nodeId: oneOf(known.nodeIds),
    imageId: oneOf(known.imageIds),
    page: wholeNumber(MAX_PAGE),
    pageSize: z.preprocess(blank, z.coerce.number().pipe(z.literal(JOB_PAGE_SIZES)).optional()),
  } satisfies Record<Field, z.ZodType>;
}

/** Parses the Jobs page's search params; returns the usable values and the labels of those it dropped. */
export function parseJobSearchParams(raw: RawParams, known: JobFilterChoices): JobSearch & { ignored: string[] } {
  const { value, ignored } = searchParamReader(raw, jobSearchFields(known), LABELS);
  const filters = withoutAbsent<JobListFilters>({
    status: value('status'),
    kind: value('kind'),
    nodeId: value('nodeId'),
    imageId: value('imageId'),
  });
  const page = value('page') ?? 1;
  const pageSize = value('pageSize') ?? DEFAULT_JOB_PAGE_SIZE;
  return { filters, page, pageSize, ignored };
}
