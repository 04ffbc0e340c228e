'use client';

import { useActionState } from 'react';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { setNodeDcAddressAction } from '@/lib/nodes/actions';

/** Node Details: the address the node's peers copy images from it on (relayed installs); blank is its host. */
export function DcAddressForm({ node }: { node: { id: string; host: string; dcAddress: string | null } }) {
  const [state, formAction] = useActionState(setNodeDcAddressAction, undefined);
  const { errors, value } = formFeedback(state);
  return (
    <form
      action={formAction}
      className="mt-4 flex flex-wrap items-end gap-2"
      noValidate
      aria-label="Data-center address"
    >
      <input type="hidden" name="nodeId" value={node.id} />
      <TextField
        id="node-dc-address"
        name="dcAddress"
        label="Data-center address"
        errors={errors('dcAddress')}
        defaultValue={value('dcAddress', node.dcAddress ?? '')}
        hint={`Where this data center's other nodes reach this node's SSH to copy images from it. Blank: ${node.host}.`}
      />
      <SubmitButton pendingText="Saving…">Save address</SubmitButton>
      <FormError state={state} />
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-700">
          Saved.
        </p>
      )}
    </form>
  );
}
