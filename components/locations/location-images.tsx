'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-button';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { ActionError, useServerAction } from '@/components/ui/use-server-action';
import { setImageAttachmentAction } from '@/lib/images/actions';
import type { AttachedImage } from '@/lib/locations/attached-images';
import { AttachImageControl } from './attach-image-control';

type Props = {
  dataCenter: { id: string; name: string };
  nodeCount: number;
  /** One page of the attached images (a page is never empty while any is attached). */
  images: AttachedImage[];
  /** Whether this user may attach images here at all; DCAdmins get a read-only list. */
  mayAttach: boolean;
};

type Change = { image: { id: string; name: string }; attached: boolean };

/**
 * Location Details, "Images attached": the images this data center's nodes may offer, with Detach
 * (asks first, since it withdraws the image from the nodes) and an Attach control. The server
 * decides; a refusal, e.g. a machine here still using the image, is shown as it says it. One
 * confirm dialog serves every row: a row's Detach opens it with that row's image.
 */
export function LocationImages({ dataCenter, nodeCount, images, mayAttach }: Props) {
  const [notice, setNotice] = useState<string | null>(null);
  const [detaching, setDetaching] = useState<AttachedImage | null>(null);
  const { pending, error, run } = useServerAction();
  // Resolves with whether the server agreed, so the Attach control knows to clear its search.
  const change = ({ image, attached }: Change) =>
    new Promise<boolean>((resolve) =>
      run(
        async (prev: null, input: { imageId: string; dataCenterId: string; attached: boolean }) => {
          try {
            const result = await setImageAttachmentAction(prev, input);
            setNotice(result.ok ? describe(image.name, dataCenter.name, attached, result.data.withdrawn) : null);
            resolve(result.ok);
            return result;
          } catch (err) {
            resolve(false);
            throw err;
          }
        },
        { imageId: image.id, dataCenterId: dataCenter.id, attached },
      ),
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
                  <Button
                    variant="danger"
                    disabled={pending}
                    aria-label={`Detach ${image.name}`}
                    onClick={() => setDetaching(image)}
                  >
                    Detach
                  </Button>
                )}
              </Td>
            )}
          </tr>
        ))}
      </Table>
      <DetachDialog
        image={detaching}
        dataCenterName={dataCenter.name}
        onClose={() => setDetaching(null)}
        onConfirm={(image) => change({ image, attached: false })}
      />
      {mayAttach && (
        <AttachImageControl
          dataCenterId={dataCenter.id}
          pending={pending}
          onAttach={(image) => change({ image, attached: true })}
        />
      )}
      <ActionError error={error} />
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-800">
        {notice}
      </p>
    </div>
  );
}

/** The table's one confirm dialog, open while `image` is set. */
function DetachDialog(props: {
  image: AttachedImage | null;
  dataCenterName: string;
  onClose: () => void;
  onConfirm: (image: AttachedImage) => void;
}) {
  const { image, dataCenterName } = props;
  return (
    <ConfirmDialog
      open={image !== null}
      onClose={props.onClose}
      title={image ? `Detach ${image.name} from ${dataCenterName}?` : ''}
      confirmLabel="Detach"
      onConfirm={() => image && props.onConfirm(image)}
    >
      {image?.name} can no longer be installed in {dataCenterName}, and copies already on its nodes stop being offered.
      Refused while a machine here uses it.
    </ConfirmDialog>
  );
}

function describe(imageName: string, dataCenterName: string, attached: boolean, withdrawn: number): string {
  if (attached) return `Attached ${imageName} to ${dataCenterName}.`;
  const copies =
    withdrawn > 0 ? ` Its copies on ${withdrawn} node${withdrawn === 1 ? '' : 's'} here are no longer offered.` : '';
  return `Detached ${imageName} from ${dataCenterName}.${copies}`;
}
