import { SelectField, TextField } from '@/components/ui/form';
import { buttonClasses } from '@/components/ui/button';
import { TextLink } from '@/components/ui/text-link';
import type { RemoteImageFilters as Filters } from '@/lib/repositories/browse';

/** A plain GET form, so filters live in the URL and work without JavaScript. */
export function RemoteImageFilters({
  pathname,
  filters,
  options,
}: {
  pathname: string;
  filters: Filters;
  options: { os: string[]; type: string[] };
}) {
  const any = (values: string[]) => [{ value: '', label: 'Any' }, ...values];
  return (
    <form
      method="get"
      action={pathname}
      role="search"
      aria-label="Filter the repository's images"
      className="mb-4 flex flex-wrap items-end gap-3"
    >
      <div className="w-64">
        <TextField id="remote-q" name="q" label="Search" type="search" defaultValue={filters.q ?? ''} />
      </div>
      <div className="w-40">
        <SelectField id="remote-os" name="os" label="OS" options={any(options.os)} defaultValue={filters.os ?? ''} />
      </div>
      <div className="w-40">
        <SelectField
          id="remote-type"
          name="type"
          label="Type"
          options={any(options.type)}
          defaultValue={filters.type ?? ''}
        />
      </div>
      <button type="submit" className={buttonClasses('secondary')}>
        Filter
      </button>
      <TextLink href={pathname}>Clear</TextLink>
    </form>
  );
}
