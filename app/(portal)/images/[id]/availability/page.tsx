import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AvailabilityForm } from '@/components/availability/availability-form';
import { PageHeader } from '@/components/ui/layout';
import { requireUser } from '@/lib/auth/session';
import { getImageAvailability, withSharedLocks } from '@/lib/availability/queries';

export const metadata: Metadata = { title: 'Image availability' };

export default async function ImageAvailabilityPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const availability = await getImageAvailability(user, id);
  if (!availability) notFound();
  return (
    <>
      <PageHeader
        breadcrumb={[
          { href: '/images', label: 'Images' },
          { href: `/images/${id}`, label: availability.imageName },
        ]}
        title={`Availability of ${availability.imageName}`}
        description="Check the nodes that should offer this image and press Apply: missing copies are installed, unchecked ones are removed where no machine uses them."
      />
      <AvailabilityForm initial={withSharedLocks(availability)} />
    </>
  );
}
