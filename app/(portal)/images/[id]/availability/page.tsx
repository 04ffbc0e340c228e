import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AvailabilityForm } from '@/components/availability/availability-form';
import { PageHeader } from '@/components/ui/layout';
import { requireUser } from '@/lib/auth/session';
import { Pagination } from '@/components/ui/pagination';
import { getImageAvailability, pageParam, withSharedLocks } from '@/lib/availability/queries';

export const metadata: Metadata = { title: 'Image availability' };

export default async function ImageAvailabilityPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const user = await requireUser();
  const availability = await getImageAvailability(user, id, pageParam((await searchParams).page));
  if (!availability) notFound();
  const paging = availability.paging!;
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
      {/* Keyed by page: another page's rows start with no choices made. */}
      <AvailabilityForm key={paging.page} initial={withSharedLocks(availability)} />
      <Pagination
        pathname={`/images/${id}/availability`}
        params={{}}
        page={paging.page}
        pageCount={paging.pageCount}
        pageSize={paging.pageSize}
        total={paging.total}
        label="Pages of nodes"
      />
    </>
  );
}
