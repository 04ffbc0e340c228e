'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { useServerAction } from '@/components/ui/use-server-action';
import { revokeApiTokenAction } from '@/lib/api/v1/actions';

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  return (
    <ConfirmButton
      label="Revoke"
      title={`Revoke token ${name}?`}
      confirmLabel="Revoke"
      disabled={pending}
      onConfirm={() => run(revokeApiTokenAction, { tokenId }, `Token ${name} revoked.`)}
    >
      Scripts using this token get 401 from their next request on. This cannot be undone; create a new token instead.
    </ConfirmButton>
  );
}
