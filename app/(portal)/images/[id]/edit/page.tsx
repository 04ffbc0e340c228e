import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EditImageForm } from '@/components/images/edit-image-form';
import { Card, PageHeader } from '@/components/ui/layout';
import { can, visibleDataCenterIds } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { redactUrlCredentials } from '@/lib/format';
import { imageHasFile } from '@/lib/images/edit';
import { bootImageChoices } from '@/lib/images/format-rules';
import { getImage } from '@/lib/images/queries';

export const metadata: Metadata = { title: 'Edit image' };

export default async function EditImagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const image = (await getImage(user, id))?.image;
  // Those who may not change it get no form; the server action asks the policy again anyway.
  if (!image || !can(user, 'image.manage', { image }) || image.purgeRequestedAt) notFound();
  const hasFile = await imageHasFile(image);
  const text = (v: string | number | null) => (v === null ? '' : String(v));
  return (
    <>
      <PageHeader
        breadcrumb={[
          { href: '/images', label: 'Images' },
          { href: `/images/${image.id}`, label: image.name },
        ]}
        title={`Edit ${image.name}`}
      />
      <Card>
        <EditImageForm
          imageId={image.id}
          hasFile={hasFile}
          bootImages={await bootImageChoices(visibleDataCenterIds(user))}
          initial={{
            name: image.name,
            alias: text(image.alias),
            version: image.version,
            description: image.description,
            osType: image.osType,
            category: image.category,
            diskFormat: image.diskFormat,
            containerFormat: image.containerFormat,
            kernelImageId: text(image.kernelImageId),
            ramdiskImageId: text(image.ramdiskImageId),
            minDiskGb: text(image.minDiskGb),
            minRamMb: text(image.minRamMb),
            bootType: image.bootType,
            resizable: image.resizable,
            shutdownAfterDeploy: image.shutdownAfterDeploy,
            tags: image.tags.join(', '),
          }}
          file={{
            source: image.sourceUrl ? 'url' : 'upload',
            // A fixed URL is only shown, so credentials in it stay on the server.
            sourceUrl: hasFile ? redactUrlCredentials(text(image.sourceUrl)) : text(image.sourceUrl),
            sha256: text(image.sha256),
            md5: text(image.md5),
            sizeBytes: text(image.sizeBytes),
          }}
        />
      </Card>
    </>
  );
}
