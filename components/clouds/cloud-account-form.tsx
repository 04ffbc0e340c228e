'use client';

import { useReducer, useState } from 'react';
import { FormError, formFeedback, SelectField, SubmitButton, TextField } from '@/components/ui/form';
import { useActionNotice } from '@/components/ui/use-action-notice';
import { createCloudAccountAction, updateCloudAccountAction } from '@/lib/clouds/actions';
import { CLOUD_KINDS, type CloudKind } from '@/lib/db/enums';
import { CloudKindFields, KIND_LABELS, type AccountValues } from './cloud-kind-fields';

export type EditedAccount = {
  id: string;
  name: string;
  kind: CloudKind;
  dataCenterId: string | null;
  settings: Record<string, unknown>;
  storedSecrets: string[];
};

/**
 * Adds a cloud account, or with `account` changes one. Only the chosen kind's fields are in the
 * form. Secrets are never sent to the browser: a stored one shows as "stored", and a blank field
 * keeps it.
 */
export function CloudAccountForm({
  account,
  dataCenters,
}: {
  account?: EditedAccount;
  dataCenters: { id: string; name: string }[];
}) {
  const [kind, setKind] = useState<CloudKind>(account?.kind ?? 'openstack');
  // React resets a form after its action runs, which puts the controlled selects (kind, auth) back
  // on their first option while the fields shown follow the state: a render after the reset
  // sets them to the state again.
  const [, renderAgain] = useReducer((n: number) => n + 1, 0);
  const [state, formAction] = useActionNotice(account ? updateCloudAccountAction : createCloudAccountAction, (input) =>
    account ? `Changes to ${input.get('name')} saved.` : `Cloud account ${input.get('name')} added.`,
  );
  const feedback = formFeedback(state);
  const idPrefix = account ? `cloud-${account.id}` : 'new-cloud';
  const values: AccountValues = {
    text: (field, fallback) => feedback.value(field, stringOf(account?.settings[field]) || fallback),
    checked: (field) => feedback.checked(field, account?.settings[field] === true),
    errors: feedback.errors,
    stored: (field) => (account?.kind === kind ? account.storedSecrets.includes(field) : false),
  };
  return (
    <form
      action={formAction}
      onReset={renderAgain}
      aria-label={account ? `Change cloud account ${account.name}` : 'Add a cloud account'}
      className="space-y-4"
    >
      {account && <input type="hidden" name="accountId" value={account.id} />}
      <TextField
        id={`${idPrefix}-name`}
        name="name"
        label="Name"
        required
        maxLength={64}
        defaultValue={feedback.value('name', account?.name)}
        errors={feedback.errors('name')}
      />
      <SelectField
        id={`${idPrefix}-kind`}
        name="kind"
        label="Kind"
        value={kind}
        onChange={(e) => setKind(e.target.value as CloudKind)}
        options={CLOUD_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
        errors={feedback.errors('kind')}
      />
      <SelectField
        id={`${idPrefix}-dc`}
        name="dataCenterId"
        label="Data center binding"
        defaultValue={feedback.value('dataCenterId', account?.dataCenterId ?? '')}
        options={[
          { value: '', label: 'None: for global images and any data center’s' },
          ...dataCenters.map((d) => ({ value: d.id, label: d.name })),
        ]}
        errors={feedback.errors('dataCenterId')}
        hint="A bound account publishes only images bound to that data center, and that data center's ImageAdmins may use it."
      />
      <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-slate-800">{KIND_LABELS[kind]} connection</legend>
        <CloudKindFields kind={kind} idPrefix={idPrefix} values={values} />
      </fieldset>
      <SubmitButton pendingText="Saving…">{account ? 'Save changes' : 'Add cloud account'}</SubmitButton>
      <FormError state={state} />
    </form>
  );
}

const stringOf = (v: unknown) => (typeof v === 'string' ? v : '');
