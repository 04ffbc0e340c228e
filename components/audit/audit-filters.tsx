import { buttonClasses } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form';
import { TextLink } from '@/components/ui/text-link';
import type { AuditFilterOptions } from '@/lib/audit/queries';
import { AUDIT_PAGE_SIZES, type AuditFilters } from '@/lib/audit/schemas';
import { AUDIT_OUTCOMES } from '@/lib/db/enums';

const any = (label: string) => ({ value: '', label });

/**
 * The Audit filters as a plain GET form: it works without JavaScript, and the URL can be shared.
 * Submitting leaves out `page`, so new filters start on the first page.
 */
export function AuditFiltersForm({
  filters,
  pageSize,
  options,
}: {
  filters: AuditFilters;
  pageSize: number;
  options: AuditFilterOptions;
}) {
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter audit events"
      // Uncontrolled fields: remount when the URL's filters change (Clear filters, back, forward).
      key={JSON.stringify([filters, pageSize])}
      className="mb-4 grid grid-cols-1 items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4"
    >
      <SelectField
        name="userId"
        label="User"
        defaultValue={filters.userId ?? ''}
        options={[any('Any user'), ...options.users.map((u) => ({ value: u.id, label: u.username }))]}
      />
      <SelectField
        name="action"
        label="Action"
        defaultValue={filters.action ?? ''}
        options={[any('Any action'), ...options.actions]}
      />
      <SelectField
        name="targetType"
        label="Target type"
        defaultValue={filters.targetType ?? ''}
        options={[any('Any target'), ...options.targetTypes]}
      />
      <TextField name="targetId" label="Target id" defaultValue={filters.targetId ?? ''} autoComplete="off" />
      <SelectField
        name="outcome"
        label="Outcome"
        defaultValue={filters.outcome ?? ''}
        options={[any('Any outcome'), ...AUDIT_OUTCOMES]}
      />
      <TextField
        name="from"
        label="From (UTC)"
        type="datetime-local"
        defaultValue={filters.from ?? ''}
        hint="Inclusive."
      />
      <TextField
        name="to"
        label="To (UTC)"
        type="datetime-local"
        defaultValue={filters.to ?? ''}
        hint="Up to the end of that minute."
      />
      <SelectField
        name="pageSize"
        label="Per page"
        defaultValue={String(pageSize)}
        options={AUDIT_PAGE_SIZES.map(String)}
      />
      <div className="flex items-center gap-4 sm:col-span-2 lg:col-span-4">
        <button type="submit" className={buttonClasses()}>
          Filter
        </button>
        <TextLink href="/audit" className="text-sm">
          Clear filters
        </TextLink>
      </div>
    </form>
  );
}
