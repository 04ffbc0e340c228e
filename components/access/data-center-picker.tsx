import { buttonClasses } from '@/components/ui/button';
import { SelectField } from '@/components/ui/form';

/** A plain GET form, so the chosen data center is in the URL and works without JavaScript. */
export function DataCenterPicker({
  dataCenters,
  chosenId,
}: {
  dataCenters: { id: string; name: string }[];
  chosenId: string;
}) {
  return (
    <form
      method="get"
      action="/access/matrix"
      aria-label="Choose a data center"
      className="mb-4 flex flex-wrap items-end gap-3"
    >
      <div className="min-w-64">
        <SelectField
          name="dc"
          label="Data center"
          defaultValue={chosenId}
          options={dataCenters.map((d) => ({ value: d.id, label: d.name }))}
        />
      </div>
      <button type="submit" className={buttonClasses('secondary')}>
        Show
      </button>
    </form>
  );
}
