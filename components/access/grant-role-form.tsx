'use client';

import { FormError, formFeedback, SelectField, SubmitButton } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { ROLES } from '@/lib/db/enums';
import { grantRoleAction } from '@/lib/users/actions';

const FIELDS = ['dataCenterId', 'role'];

export function GrantRoleForm({
  userId,
  dataCenters,
}: {
  userId: string;
  dataCenters: { id: string; name: string }[];
}) {
  const [state, formAction] = useActionNotice(grantRoleAction, (input) => {
    const dataCenter = dataCenters.find((dc) => dc.id === input.get('dataCenterId'));
    return `${input.get('role')} granted on ${dataCenter?.name ?? 'the data center'}.`;
  });
  const { errors, value } = formFeedback(state);
  if (dataCenters.length === 0)
    return <p className="text-sm text-slate-600">There are no data centers yet to grant a role on.</p>;
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Grant a role">
      <FormError state={state} fields={FIELDS} />
      <input type="hidden" name="userId" value={userId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          name="dataCenterId"
          label="Data center"
          errors={errors('dataCenterId')}
          defaultValue={value('dataCenterId', dataCenters[0]!.id)}
          options={dataCenters.map((dc) => ({ value: dc.id, label: dc.name }))}
        />
        <SelectField
          name="role"
          label="Role"
          errors={errors('role')}
          defaultValue={value('role', 'DCAdmin')}
          options={ROLES}
          hint="ImageImportAdmin only has effect together with ImageAdmin on the same data center."
        />
      </div>
      <SubmitButton pendingText="Granting…">Grant role</SubmitButton>
    </form>
  );
}
