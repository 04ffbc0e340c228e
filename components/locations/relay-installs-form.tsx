'use client';

import { useActionState } from 'react';
import { CheckboxField, FormError, SubmitButton } from '@/components/ui/form';
import { setRelayInstallsAction } from '@/lib/locations/actions';

const EXPLAINED =
  'An install to several nodes here sends the image once; the other nodes copy it from a node that has it, over the data center’s network.';

/** Location Details: whether installs copy images between this data center's nodes (SuperAdmins change it). */
export function RelayInstallsForm({
  dataCenter,
  mayManage,
}: {
  dataCenter: { id: string; relayInstalls: boolean };
  mayManage: boolean;
}) {
  const [state, formAction] = useActionState(setRelayInstallsAction, undefined);
  const on = state?.ok ? state.data.relayInstalls : dataCenter.relayInstalls;
  if (!mayManage) {
    return (
      <p className="mb-3 text-sm text-slate-600" data-testid="relay-installs">
        {on
          ? `Copying between nodes is on. ${EXPLAINED}`
          : 'Copying between nodes is off: every node installs directly.'}
      </p>
    );
  }
  return (
    <form action={formAction} className="mb-4 flex flex-wrap items-end gap-3" aria-label="Copying between nodes">
      <input type="hidden" name="dataCenterId" value={dataCenter.id} />
      <CheckboxField
        name="relayInstalls"
        label="Copy images between nodes"
        defaultChecked={dataCenter.relayInstalls}
        hint={`${EXPLAINED} Off: every node installs directly.`}
      />
      <SubmitButton pendingText="Saving…">Save</SubmitButton>
      <FormError state={state} />
    </form>
  );
}
