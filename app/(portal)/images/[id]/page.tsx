import type { Metadata } from 'next';
import { TextLink } from '@/components/ui/text-link';
import { notFound } from 'next/navigation';
import { ImageAttachments } from '@/components/images/image-attachments';
import { ImageLifecycleActions } from '@/components/images/image-lifecycle-actions';
import { InstallForm } from '@/components/images/install-form';
import { LinkButton } from '@/components/ui/button';
import { UploadFile } from '@/components/images/upload-file';
import { JobsTable } from '@/components/jobs/jobs-table';
import { MachinesTable } from '@/components/machines/machines-table';
import { Card, Details, Mono, PageHeader, Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { can } from '@/lib/auth/policy';
import { requireUser } from '@/lib/auth/session';
import { formatBytes, formatDateTime, redactUrlCredentials } from '@/lib/format';
import { getImage, imageAttachments, listInstallTargets, listNodesWithImage } from '@/lib/images/queries';
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
  const installable = image.status === 'ok' && image.access !== 'deleted';
  const targets = installable ? listInstallTargets(user, id) : [];
  return (
    <>
      <PageHeader
        breadcrumb={[{ href: '/images', label: 'Images' }]}
        title={image.name}
        actions={<LinkButton href={`/images/${image.id}/availability`}>Image availability</LinkButton>}
        description={
          <span className="flex gap-2">
            <StatusBadge status={image.status} /> <StatusBadge status={image.access} />
            {image.protected && <StatusBadge status="protected" />}
          </span>
        }
      />
      {can(user, 'image.manage', { image }) && (
        <Section title="Actions">
          {/* Only what the buttons need crosses to the browser: the source URL may hold credentials. */}
          <ImageLifecycleActions image={{ id: image.id, name: image.name, status: image.status, access: image.access, protected: image.protected }} />
        </Section>
      )}
      <Section title="Attributes">
        <Details
          items={[
            ['Version', image.version],
            ['Alias', image.alias ?? '—'],
            ['OS type', image.osType],
            ['Category', image.category],
            ['Disk format', image.diskFormat],
            ['Container format', image.containerFormat],
            ['Minimum disk', `${image.minDiskGb} GB`],
            ['Size', formatBytes(image.sizeBytes)],
            ['Source', <ImageSource key="u" image={image} />],
            ['SHA-256', <Mono key="s">{image.sha256 ?? '—'}</Mono>],
            ['MD5', <Mono key="m">{image.md5 ?? '—'}</Mono>],
            ['Created', formatDateTime(image.createdAt)],
            ['Description', image.description || '—'],
          ]}
        />
      </Section>
      {awaitingUpload && (
        <Section title="Waiting for the upload">
          <Card>
            <p className="mb-4 text-sm text-slate-700" data-testid="awaiting-upload">
              Waiting for the upload… This image has no file yet; it becomes usable once its file is uploaded and verified.
            </p>
            {can(user, 'image.manage', { image }) && <UploadFile imageId={image.id} />}
          </Card>
        </Section>
      )}
      {(targets.length > 0 || user.isSuperAdmin) && (
        <Section title="Install on a node">
          <Card>
            {installable ? (
              <InstallForm imageId={image.id} targets={targets} />
            ) : (
              <p className="text-sm text-slate-700" data-testid="install-blocked">
                {image.access === 'deleted' ? 'A deleted image cannot be installed; restore it first.' : `A ${image.status} image cannot be installed${image.status === 'disabled' ? '; enable it first' : ''}.`}
              </p>
            )}
          </Card>
        </Section>
      )}
      <Section title="Data centers">
        <ImageAttachments imageId={image.id} imageName={image.name} {...imageAttachments(user, image)} />
      </Section>
      <Section title="Nodes which have this image">
        <Table
          caption="Nodes which have this image"
          columns={['Node', 'Data center', 'State', 'Available', 'Path', 'Verified SHA-256', 'Installed', 'Last job']}
          isEmpty={nodesWithImage.length === 0}
          empty="This image is on no node yet."
        >
          {nodesWithImage.map((n) => (
            <tr key={n.nodeId} data-testid={`node-image-${n.nodeName}`}>
              <Td>
                <TextLink href={`/nodes/${n.nodeId}`} className="font-medium">
                  {n.nodeName}
                </TextLink>
              </Td>
              <Td>{n.dataCenterName}</Td>
              <Td>
                <StatusBadge status={n.state} />
              </Td>
              <Td>{n.available ? 'yes' : 'no'}</Td>
              <Td>
                <Mono>{n.path ?? '—'}</Mono>
              </Td>
              <Td>
                <Mono>{n.verifiedSha256 ?? '—'}</Mono>
              </Td>
              <Td className="whitespace-nowrap">{formatDateTime(n.installedAt)}</Td>
              <Td>{n.lastJobId ? <TextLink href={`/jobs/${n.lastJobId}`}>view</TextLink> : '—'}</Td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title="Machines which use this image">
        <MachinesTable
          caption="Machines which use this image"
          otherColumn="Node"
          machines={visibleMachinesUsingImage(user, id).map((m) => ({ ...m, other: { href: `/nodes/${m.nodeId}`, label: m.nodeName } }))}
          empty="No machine uses this image."
          canRemove={false}
        />
      </Section>
      <Section title="Recent jobs">
        <JobsTable jobs={listJobs(user, { imageId: id, limit: 10 })} caption="Recent jobs of this image" empty="No jobs for this image yet." />
      </Section>
    </>
  );
}

/** Where nodes get the file: a URL they download, or the portal's own store, which pushes it. */
function ImageSource({ image }: { image: { sourceUrl: string | null; storeFile: string | null; sizeBytes: number | null } }) {
  if (image.sourceUrl) return <Mono>{redactUrlCredentials(image.sourceUrl)}</Mono>;
  if (image.storeFile) return <span data-testid="image-source">Portal image store (uploaded, {formatBytes(image.sizeBytes)})</span>;
  return <span data-testid="image-source">Portal image store (waiting for the upload…)</span>;
}
