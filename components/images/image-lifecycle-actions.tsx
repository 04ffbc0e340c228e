'use client';

import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { changeImageLifecycleAction } from '@/lib/images/actions';

type Change =
  | { change: 'status'; status: 'ok' | 'disabled' }
  | { change: 'access'; access: 'public' | 'private' | 'deleted' }
  | { change: 'protected'; protected: boolean };

/**
 * Enable or disable, public or private, delete or restore, protect or unprotect: only the moves
 * that make sense from the image's current state. The server checks each one again.
 */
export function ImageLifecycleActions({
  image,
}: {
  image: { id: string; name: string; status: string; access: string; protected: boolean };
}) {
  const { pending, error, run } = useServerAction();
  const apply = (change: Change) => run(changeImageLifecycleAction, { imageId: image.id, ...change });
  const deleted = image.access === 'deleted';
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="image-actions">
      {(image.status === 'ok' || image.status === 'unverified') && !deleted && (
        <Button variant="secondary" disabled={pending} onClick={() => apply({ change: 'status', status: 'disabled' })}>
          Disable
        </Button>
      )}
      {image.status === 'disabled' && !deleted && (
        <Button variant="secondary" disabled={pending} onClick={() => apply({ change: 'status', status: 'ok' })}>
          Enable
        </Button>
      )}
      {image.access === 'public' && (
        <Button variant="secondary" disabled={pending} onClick={() => apply({ change: 'access', access: 'private' })}>
          Make private
        </Button>
      )}
      {image.access === 'private' && (
        <Button variant="secondary" disabled={pending} onClick={() => apply({ change: 'access', access: 'public' })}>
          Make public
        </Button>
      )}
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() => apply({ change: 'protected', protected: !image.protected })}
      >
        {image.protected ? 'Unprotect' : 'Protect'}
      </Button>
      {deleted ? (
        <Button disabled={pending} onClick={() => apply({ change: 'access', access: 'private' })}>
          Restore
        </Button>
      ) : (
        <ConfirmButton
          label="Delete"
          title={`Delete ${image.name}?`}
          confirmLabel="Delete"
          disabled={pending}
          onConfirm={() => apply({ change: 'access', access: 'deleted' })}
        >
          The image is hidden from listings and can no longer be used for new machines. Machines that already use it
          keep it, and you can restore it later, as a private image.
        </ConfirmButton>
      )}
      <ActionError error={error} />
    </div>
  );
}
