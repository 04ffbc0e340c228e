import type { Metadata } from 'next';
import { TextLink } from '@/components/ui/text-link';
import { LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { requireUser } from '@/lib/auth/session';
import { formatBytes } from '@/lib/format';
import { imageBindingChoices, listImages } from '@/lib/images/queries';

export const metadata: Metadata = { title: 'Images' };

export default async function ImagesPage({ searchParams }: { searchParams: Promise<{ show?: string }> }) {
  const user = await requireUser();
  const showDeleted = (await searchParams).show === 'deleted';
  const images = listImages(user, { includeDeleted: showDeleted });
  const choices = imageBindingChoices(user);
  const canCreate = choices.global || choices.dataCenters.length > 0;
  return (
    <>
      <PageHeader
        title="Images"
        description="OS disk images and where they may be installed."
        actions={canCreate && <LinkButton href="/images/new">New image</LinkButton>}
      />
      <p className="mb-3 text-sm">
        {showDeleted ? (
          <TextLink href="/images">Hide deleted images</TextLink>
        ) : (
          <TextLink href="/images?show=deleted">Show deleted images too</TextLink>
        )}
      </p>
      <Table
        caption="Images"
        columns={['Name', 'Version', 'OS', 'Format', 'Size', 'Status', 'Access']}
        isEmpty={images.length === 0}
        empty={canCreate ? 'No images yet. Create one with “New image”.' : 'No images are attached to your data centers.'}
      >
        {images.map((image) => (
          <tr key={image.id}>
            <Td>
              <TextLink href={`/images/${image.id}`} className="font-medium">
                {image.name}
              </TextLink>
            </Td>
            <Td>{image.version}</Td>
            <Td>{image.osType}</Td>
            <Td>
              {image.diskFormat} / {image.containerFormat}
            </Td>
            <Td>{formatBytes(image.sizeBytes)}</Td>
            <Td>
              <StatusBadge status={image.status} />
            </Td>
            <Td>
              <StatusBadge status={image.access} />
            </Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
