'use client';

import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { useServerAction } from '@/components/ui/use-server-action';
import { publishImageAction, removePublicationAction } from '@/lib/publish/actions';

type Publication = {
  id: string;
  imageId: string;
  imageName: string;
  accountId: string;
  accountName: string;
  status: string;
};

/** Republish (a new copy replaces the old once verified) and remove from the cloud (asks first). */
export function PublicationActions({ publication: p }: { publication: Publication }) {
  const { pending, run } = useServerAction(undefined, { errors: 'toast' });
  if (p.status === 'publishing') return null;
  return (
    <div className="flex flex-wrap gap-2">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          run(
            publishImageAction,
            { imageId: p.imageId, accountId: p.accountId },
            `Publishing ${p.imageName} to ${p.accountName} again.`,
          )
        }
      >
        Republish
      </Button>
      {p.status === 'published' && (
        <ConfirmButton
          label="Remove from cloud"
          title={`Remove ${p.imageName} from ${p.accountName}?`}
          confirmLabel="Remove from cloud"
          disabled={pending}
          onConfirm={() =>
            run(removePublicationAction, { publicationId: p.id }, `${p.imageName} removed from ${p.accountName}.`)
          }
        >
          The copy in the cloud is deleted. Machines there that were created from it are not touched. A cloud that
          protects the image refuses.
        </ConfirmButton>
      )}
    </div>
  );
}
