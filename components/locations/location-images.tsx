'use client';

import { useState } from 'react';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { setImageAttachmentAction } from '@/lib/images/actions';
import type { AttachedImage } from '@/lib/locations/attached-images';
import { AttachImageControl, type AttachCandidate } from './attach-image-control';

type Props = {
  dataCenter: { id: string; name: string };
  nodeCount: number;
  images: AttachedImage[];
  candidates: AttachCandidate[];
  /** Whether this user may attach images here at all; DCAdmins get a read-only list. */
  mayAttach: boolean;
};

/**
 * Location Details, "Images attached": the images this data center's nodes may offer, with Detach
 * (asks first, since it withdraws the image from the nodes) and an Attach control. The server
 * decides; a refusal, e.g. a machine here still using the image, is shown as it says it.
 */
export function LocationImages({ dataCenter, nodeCount, images, candidates, mayAttach }: Props) {
  const [notice, setNotice] = useState<string | null>(null);
  const { pending, error, run } = useServerAction();
  const change = (image: { id: string; name: string }, attached: boolean) =>
    run(
      async (prev: null, input: { imageId: string; dataCenterId: string; attached: boolean }) => {
        const result = await setImageAttachmentAction(prev, input);
        setNotice(result.ok ? describe(image.name, dataCenter.name, attached, result.data.withdrawn) : null);
        return result;
      },
      { imageId: image.id, dataCenterId: dataCenter.id, attached },
    );
  const showActions = images.some((i) => i.mayChange);
  return (
    <div className="space-y-3" data-testid="location-images">
      <Table
        caption={`Images attached to ${dataCenter.name}`}
        columns={[
          'Image',
          'Version',
          'OS',
          'Status',
          'Access',
          'Bound here',
          'Installed on',
          ...(showActions ? [''] : []),
        ]}
        isEmpty={images.length === 0}
        empty={`No image is attached to ${dataCenter.name} yet, so its nodes cannot offer any.${mayAttach ? ' Attach one below.' : ''}`}
      >
        {images.map((image) => (
          <tr key={image.id} data-testid={`attached-image-${image.name}`}>
            <Td>
              <TextLink href={`/images/${image.id}`} className="font-medium">
                {image.name}
              </TextLink>
            </Td>
            <Td>{image.version}</Td>
            <Td>{image.osType}</Td>
            <Td>
              <StatusBadge status={image.status} />
            </Td>
            <Td>
              <StatusBadge status={image.access} />
            </Td>
            <Td>{image.boundHere ? 'yes' : 'no'}</Td>
            <Td className="whitespace-nowrap">{`${image.installedNodes} of ${nodeCount} node${nodeCount === 1 ? '' : 's'}`}</Td>
            {showActions && (
              <Td>
                {image.mayChange && (
                  <ConfirmButton
                    label="Detach"
                    title={`Detach ${image.name} from ${dataCenter.name}?`}
                    confirmLabel="Detach"
                    disabled={pending}
                    onConfirm={() => change(image, false)}
                  >
                    {image.name} can no longer be installed in {dataCenter.name}, and copies already on its nodes stop
                    being offered. Refused while a machine here uses it.
                  </ConfirmButton>
                )}
              </Td>
            )}
          </tr>
        ))}
      </Table>
      {mayAttach && (
        <AttachImageControl candidates={candidates} pending={pending} onAttach={(image) => change(image, true)} />
      )}
      <ActionError error={error} />
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-800">
        {notice}
      </p>
    </div>
  );
}

function describe(imageName: string, dataCenterName: string, attached: boolean, withdrawn: number): string {
  if (attached) return `Attached ${imageName} to ${dataCenterName}.`;
  const copies =
    withdrawn > 0 ? ` Its copies on ${withdrawn} node${withdrawn === 1 ? '' : 's'} here are no longer offered.` : '';
  return `Detached ${imageName} from ${dataCenterName}.${copies}`;
}
