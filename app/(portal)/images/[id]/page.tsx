import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AuditHistoryTable } from '@/components/audit/audit-history-table';
import { AwaitingUpload } from '@/components/images/awaiting-upload';
import { ImageAttributes } from '@/components/images/image-attributes';
import { ImageLifecycleActions } from '@/components/images/image-lifecycle-actions';
import { PlacementSection } from '@/components/images/placement/placement-section';
import { PurgeImage } from '@/components/images/purge-image';
import { PurgeProgress } from '@/components/images/purge-progress';
import { LinkButton } from '@/components/ui/button';
import { JobsTable } from '@/components/jobs/jobs-table';
import { MachinesTable } from '@/components/machines/machines-table';
import { PublishedToSection } from '@/components/publish/published-to-section';
import { PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { auditHistoryOf, readableAuditDataCenters } from '@/lib/audit/queries';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { getImagePlacement } from '@/lib/availability/placement';
import { getImage, listNodesWithImage } from '@/lib/images/queries';
import { lastFailedUpload } from '@/lib/images/upload-attempts';
import { listJobs } from '@/lib/jobs/queries';
import { visibleMachinesUsingImage } from '@/lib/machines/queries';
import { getPublishingView } from '@/lib/publish/queries';

export const metadata: Metadata = { title: 'Image details' };

export default async function ImageDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const found = await getImage(user, id);
  if (!found) notFound();
  const { image } = found;
  const nodesWithImage = await listNodesWithImage(user, id);
  const awaitingUpload = image.status === 'pending' && !image.sourceUrl && !image.storeFile;
  const mayManage = can(user, 'image.manage', { image });
  const purging = Boolean(image.purgeRequestedAt);
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/images', label: 'Images' }]}
        title={image.name}
        actions={
          <>
            {mayManage && !purging && (
              <LinkButton href={`/images/${image.id}/edit`} variant="secondary">
                Edit
              </LinkButton>
            )}
            <LinkButton href={`/images/${image.id}/availability`}>Image availability</LinkButton>
          </>
        }
        description={
          <span className="flex gap-2">
            <StatusBadge status={image.status} /> <StatusBadge status={image.access} />
            {image.protected && <StatusBadge status="protected" />}
          </span>
        }
      />
      {purging && <PurgeProgress image={image} nodes={nodesWithImage} mayRetry={mayManage} />}
      {mayManage && !purging && !awaitingUpload && (
        <Section title="Actions">
          <div className="flex flex-wrap items-start gap-2">
            {/* Only what the buttons need crosses to the browser: the source URL may hold credentials. */}
            <ImageLifecycleActions
              image={{
                id: image.id,
                name: image.name,
                status: image.status,
                access: image.access,
                protected: image.protected,
              }}
            />
            <PurgeImage image={{ id: image.id, name: image.name }} />
          </div>
        </Section>
      )}
      <Section title="Attributes">
        <ImageAttributes image={image} />
      </Section>
      {awaitingUpload && (
        <AwaitingUpload
          image={{ id: image.id, name: image.name }}
          failed={await lastFailedUpload(image.id)}
          mayManage={mayManage}
        />
      )}
      {!purging && (
        <PlacementSection
          image={{ id: image.id, name: image.name, status: image.status, access: image.access }}
          dataCenters={await getImagePlacement(user, image)}
        />
      )}
      {!purging && (
        <PublishedToSection image={{ id: image.id, name: image.name }} {...await getPublishingView(user, image)} />
      )}
      <Section title="Machines which use this image">
        <MachinesTable
          caption="Machines which use this image"
          otherColumn="Node"
          machines={(await visibleMachinesUsingImage(user, id)).map((m) => ({
            ...m,
            other: { href: `/nodes/${m.nodeId}`, label: m.nodeName },
          }))}
          empty="No machine uses this image."
          canRemove={false}
        />
      </Section>
      <Section title="Recent jobs">
        <JobsTable
          jobs={await listJobs(user, { imageId: id, limit: 10 })}
          caption="Recent jobs of this image"
          empty="No jobs for this image yet."
        />
      </Section>
      {readableAuditDataCenters(user)?.length !== 0 && (
        <Section title="Audit history">
          <AuditHistoryTable
            events={await auditHistoryOf(user, { targetType: 'image', targetId: id })}
            caption="Audit history of this image"
            empty="Nothing recorded yet."
          />
        </Section>
      )}
    </>
  );
}
