import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AuditHistoryTable } from '@/components/audit/audit-history-table';
import { ImageAttachments } from '@/components/images/image-attachments';
import { ImageAttributes } from '@/components/images/image-attributes';
import { ImageLifecycleActions } from '@/components/images/image-lifecycle-actions';
import { InstallSection } from '@/components/images/install-section';
import { NodesWithImageTable } from '@/components/images/nodes-with-image-table';
import { PurgeImage } from '@/components/images/purge-image';
import { PurgeProgress } from '@/components/images/purge-progress';
import { LinkButton } from '@/components/ui/button';
import { UploadFile } from '@/components/images/upload-file';
import { JobsTable } from '@/components/jobs/jobs-table';
import { MachinesTable } from '@/components/machines/machines-table';
import { Card, PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { auditHistoryOf, readableAuditDataCenters } from '@/lib/audit/queries';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { getImage, imageAttachments, listInstallTargets, listNodesWithImage } from '@/lib/images/queries';
import { installRefusal } from '@/lib/install/enqueue';
import { listJobs } from '@/lib/jobs/queries';
import { visibleMachinesUsingImage } from '@/lib/machines/queries';

export const metadata: Metadata = { title: 'Image details' };

export default async function ImageDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  const found = getImage(user, id);
  if (!found) notFound();
  const { image } = found;
  const nodesWithImage = listNodesWithImage(user, id);
  const awaitingUpload = image.status === 'pending' && !image.sourceUrl && !image.storeFile;
  const mayManage = can(user, 'image.manage', { image });
  const purging = Boolean(image.purgeRequestedAt);
  // Whether the image may go onto a node is asked of installRefusal, the rule the install itself enforces.
  const installCandidates = listInstallTargets(user, id).map(({ node, dataCenterName }) => ({
    id: node.id,
    name: node.name,
    dataCenterName,
    refusal: installRefusal(image, node),
  }));
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
      {mayManage && !purging && (
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
        <Section title="Waiting for the upload">
          <Card>
            <p className="mb-4 text-sm text-slate-700" data-testid="awaiting-upload">
              Waiting for the upload… This image has no file yet; it becomes usable once its file is uploaded and
              verified.
            </p>
            {can(user, 'image.manage', { image }) && <UploadFile imageId={image.id} />}
          </Card>
        </Section>
      )}
      <InstallSection
        image={{ id: image.id, status: image.status, access: image.access }}
        candidates={installCandidates}
        shownWhenEmpty={user.isSuperAdmin}
      />
      <Section title="Data centers">
        <ImageAttachments imageId={image.id} imageName={image.name} {...imageAttachments(user, image)} />
      </Section>
      <Section title="Nodes which have this image">
        <NodesWithImageTable nodes={nodesWithImage} />
      </Section>
      <Section title="Machines which use this image">
        <MachinesTable
          caption="Machines which use this image"
          otherColumn="Node"
          machines={visibleMachinesUsingImage(user, id).map((m) => ({
            ...m,
            other: { href: `/nodes/${m.nodeId}`, label: m.nodeName },
          }))}
          empty="No machine uses this image."
          canRemove={false}
        />
      </Section>
      <Section title="Recent jobs">
        <JobsTable
          jobs={listJobs(user, { imageId: id, limit: 10 })}
          caption="Recent jobs of this image"
          empty="No jobs for this image yet."
        />
      </Section>
      {readableAuditDataCenters(user)?.length !== 0 && (
        <Section title="Audit history">
          <AuditHistoryTable
            events={auditHistoryOf(user, { targetType: 'image', targetId: id })}
            caption="Audit history of this image"
            empty="Nothing recorded yet."
          />
        </Section>
      )}
    </>
  );
}
