import { buttonClasses } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form';
import { TextLink } from '@/components/ui/text-link';
import { DISK_FORMATS, IMAGE_STATUSES } from '@/lib/db/enums';
import { IMAGE_PAGE_SIZES, imageSearchParams, MAX_SEARCH_LENGTH, type ImageSearch } from '@/lib/images/list-schemas';

export type ImageFilterOptions = {
  osTypes: readonly string[];
  tags: readonly string[];
  dataCenters: readonly { id: string; name: string }[];
};

const any = (label: string) => ({ value: '', label });

const ACCESS_OPTIONS = [
  any('Public and private'),
  { value: 'public', label: 'public' },
  { value: 'private', label: 'private' },
  { value: 'deleted', label: 'deleted only' },
  { value: 'all', label: 'All, deleted too' },
];

/**
 * The Images filters as a plain GET form: it works without JavaScript, and the resulting URL can be
 * bookmarked or shared. Submitting leaves out `page`, so new filters start on the first page; the
 * sort chosen in the column headers is carried in hidden fields.
 */
export function ImageListFilters({ search, options }: { search: ImageSearch; options: ImageFilterOptions }) {
  const { filters, order, pageSize } = search;
  const { sort, dir } = imageSearchParams(search);
  // A tag from a shared URL may not be among this user's options; keep it selectable.
  const tags = filters.tag && !options.tags.includes(filters.tag) ? [filters.tag, ...options.tags] : options.tags;
  return (
    <form
      method="get"
      action="/images"
      role="search"
      aria-label="Filter images"
      // The controls are uncontrolled: remount them when the URL changes (Clear filters, back and
      // forward), or they would keep showing the previous choice.
      key={JSON.stringify([filters, order, pageSize])}
      className="mb-4 grid grid-cols-1 items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4"
    >
      <TextField
        name="q"
        label="Name or alias"
        type="search"
        placeholder="e.g. ubuntu"
        maxLength={MAX_SEARCH_LENGTH}
        defaultValue={filters.q ?? ''}
      />
      <SelectField
        name="osType"
        label="OS"
        defaultValue={filters.osType ?? ''}
        options={[any('Any OS'), ...options.osTypes]}
      />
      <SelectField
        name="status"
        label="Status"
        defaultValue={filters.status ?? ''}
        options={[any('Any status'), ...IMAGE_STATUSES]}
      />
      <SelectField name="access" label="Access" defaultValue={filters.access ?? ''} options={ACCESS_OPTIONS} />
      <SelectField
        name="dataCenterId"
        label="Data center"
        defaultValue={filters.dataCenterId ?? ''}
        options={[any('Any data center'), ...options.dataCenters.map((dc) => ({ value: dc.id, label: dc.name }))]}
      />
      <SelectField
        name="diskFormat"
        label="Format"
        defaultValue={filters.diskFormat ?? ''}
        options={[any('Any format'), ...DISK_FORMATS]}
      />
      <SelectField name="tag" label="Tag" defaultValue={filters.tag ?? ''} options={[any('Any tag'), ...tags]} />
      <SelectField
        name="pageSize"
        label="Per page"
        defaultValue={String(pageSize)}
        options={IMAGE_PAGE_SIZES.map(String)}
      />
      {sort && <input type="hidden" name="sort" value={sort} />}
      {dir && <input type="hidden" name="dir" value={dir} />}
      <div className="flex flex-wrap items-center gap-4 sm:col-span-2 lg:col-span-4">
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input
            type="checkbox"
            name="group"
            value="alias"
            defaultChecked={order.group === 'alias'}
            className="accent-sky-700"
          />
          Group versions by alias
        </label>
        <button type="submit" className={buttonClasses()}>
          Filter
        </button>
        <TextLink href="/images" className="text-sm">
          Clear filters
        </TextLink>
      </div>
    </form>
  );
}
