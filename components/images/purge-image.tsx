'use client';

import { useActionState, useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { purgeImageAction } from '@/lib/images/actions';

/**
 * "Delete permanently": a modal that asks for the image's name, so it is never one stray click.
 * The server checks the name again, and refuses while machines or partition images still use it.
 */
export function PurgeImage({ image, retry = false }: { image: { id: string; name: string }; retry?: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [state, formAction] = useActionState(purgeImageAction, undefined);
  const { errors } = formFeedback(state);
  const [typed, setTyped] = useState('');
  return (
    <>
      <Button variant="danger" onClick={() => dialog.current?.showModal()}>
        {retry ? 'Retry permanent delete…' : 'Delete permanently…'}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={formAction} className="space-y-4 p-5" noValidate>
          <h2 id={titleId} className="text-lg font-semibold">
            Delete {image.name} permanently?
          </h2>
          <p className="text-sm text-slate-700">
            Its file is removed from every node that has it, by uninstall jobs, and from the portal’s store; then the
            image is gone for good. This cannot be undone. To only hide it, use Delete instead: that can be restored.
          </p>
          <FormError state={state} />
          <input type="hidden" name="imageId" value={image.id} />
          <TextField
            name="confirmName"
            label={`Type ${image.name} to confirm`}
            autoComplete="off"
            spellCheck={false}
            errors={errors('confirmName')}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" type="button" autoFocus onClick={() => dialog.current?.close()}>
              Keep it
            </Button>
            {typed === image.name ? (
              <SubmitButton variant="danger" pendingText="Deleting…">
                Delete permanently
              </SubmitButton>
            ) : (
              <Button variant="danger" type="button" disabled aria-disabled>
                Delete permanently
              </Button>
            )}
          </div>
        </form>
      </dialog>
    </>
  );
}
