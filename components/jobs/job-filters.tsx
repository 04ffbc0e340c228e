import { JobImageFilter } from './job-image-filter';
import { buttonClasses } from '@/components/ui/button';
import { SelectField } from '@/components/ui/form';
import type { ComboboxOption } from '@/components/ui/combobox';
import { TextLink } from '@/components/ui/text-link';
import { JOB_KINDS, JOB_STATUSES } from '@/lib/db/enums';
import type { JobFilterOptions } from '@/lib/jobs/queries';
import type { JobListFilters } from '@/lib/jobs/schemas';
import { JOB_PAGE_SIZES } from '@/lib/jobs/schemas';

const any = (label: string) => ({ value: '', label });

/**
 * The Jobs filters as a plain GET form: the resulting URL can be bookmarked or shared, and all but
 * the Image search work without JavaScript (without it, the image filtered by stays). Submitting
 * leaves out `page`, so new filters start on the first page.
 */
export function JobFilters({
  filters,
  pageSize,
  options,
  image,
}: {
  filters: JobListFilters;
  pageSize: number;
  options: JobFilterOptions;
  /** The image `filters.imageId` names, as the Image field shows it. */
  image: ComboboxOption | null;
}) {
  return (
    <form
      method="get"
      action="/jobs"
      role="search"
      aria-label="Filter jobs"
      // The fields are uncontrolled: remount them when the URL's filters change (Clear filters,
      // back and forward), or they would keep showing the previous choice.
      key={JSON.stringify([filters, pageSize])}
      className="mb-4 grid grid-cols-1 items-start gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-5"
    >
      <SelectField
        name="status"
        label="Status"
        defaultValue={filters.status ?? ''}
        options={[any('Any status'), ...JOB_STATUSES]}
      />
      <SelectField
        name="kind"
        label="Kind"
        defaultValue={filters.kind ?? ''}
        options={[any('Any kind'), ...JOB_KINDS]}
      />
      <SelectField
        name="nodeId"
        label="Node"
        defaultValue={filters.nodeId ?? ''}
        options={[
          any('Any node'),
          ...options.nodes.map((n) => ({ value: n.id, label: `${n.name} (${n.dataCenterName})` })),
        ]}
      />
      <JobImageFilter chosen={image} />
      <SelectField
        name="pageSize"
        label="Per page"
        defaultValue={String(pageSize)}
        options={JOB_PAGE_SIZES.map((n) => String(n))}
      />
      <div className="flex items-center gap-4 sm:col-span-2 lg:col-span-5">
        <button type="submit" className={buttonClasses()}>
          Filter
        </button>
        <TextLink href="/jobs" className="text-sm">
          Clear filters
        </TextLink>
      </div>
    </form>
  );
}
