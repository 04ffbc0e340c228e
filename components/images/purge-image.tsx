'use client';

import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormError, formFeedback, SubmitButton, TextField } from '@/components/ui/form';
import { purgeImageAction } from '@/lib/images/actions';

/**
 * "Delete permanently": a modal that asks for the image's name, so it is never one stray click.
 * The server checks the name again, and refuses while machines or partition images still use it.
 */
export function PurgeImage({
  image,
  label = 'Delete permanently…',
}: {
  image: { id: string; name: string };
  /** The button's words: a retry of a stuck delete, or plain "Delete…" for an image without a file. */
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  // On success the action leaves for another page, so only a refusal comes back here.
  const [state, formAction] = useActionState(purgeImageAction, undefined);
  const { errors } = formFeedback(state);
  const [typed, setTyped] = useState('');
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${image.name} permanently?`}
        description={
          <p>
            Its file is removed from every node that has it, by uninstall jobs, and from the portal’s store; then the
            image is gone for good. This cannot be undone. To only hide it, use Delete instead: that can be restored.
          </p>
        }
        width="content"
      >
        <form action={formAction} className="space-y-4" noValidate>
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
            <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>
              Keep it
            </Button>
            {typed === image.name ? (
              <SubmitButton variant="danger" pendingText="Deleting…">
                Delete permanently
              </SubmitButton>
            ) : (
              <Button variant="danger" disabled aria-disabled>
                Delete permanently
              </Button>
            )}
          </div>
        </form>
      </Dialog>
    </>
  );
}
