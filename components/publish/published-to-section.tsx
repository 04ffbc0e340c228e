import { Section } from '@/components/ui/layout';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { formatDateTime } from '@/lib/format';
import type { ImagePublication } from '@/lib/publish/queries';
import { PublicationActions } from './publication-actions';
import { PublishForm } from './publish-form';

type Props = {
  image: { id: string; name: string };
  publications: (ImagePublication & { mayPublish: boolean })[];
  /** Accounts this user may publish the image to; empty hides the form. */
  targets: { id: string; name: string }[];
  /** Why the image cannot be published at all (not in the store, not ready), if so. */
  unpublishable: string | null;
};

/** Image Details' "Published to": every cloud copy, and the form to make another. */
export function PublishedToSection({ image, publications, targets, unpublishable }: Props) {
  return (
    <Section title="Published to">
      <div className="space-y-4">
        {targets.length > 0 &&
          (unpublishable ? (
            <p className="text-sm text-slate-600">{unpublishable}</p>
          ) : (
            <PublishForm image={image} accounts={targets} />
          ))}
        <Table
          caption={`Clouds ${image.name} is published to`}
          columns={['Account', 'Remote copy', 'Format sent', 'Status', 'When', 'By', 'Actions']}
          isEmpty={publications.length === 0}
          empty="Not published to any cloud yet."
        >
          {publications.map((p) => (
            <tr key={p.id}>
              <Td className="font-medium">{p.accountName}</Td>
              <Td className="max-w-xs break-all">
                {p.remoteUrl ? (
                  <span className="font-mono text-xs">{p.remoteUrl}</span>
                ) : (
                  <span className="text-slate-500">—</span>
                )}
                {p.compared && Object.keys(p.compared).length > 0 && (
                  <p className="text-xs text-slate-500">verified: {Object.keys(p.compared).join(', ')}</p>
                )}
              </Td>
              <Td>{p.formatSent ?? '—'}</Td>
              <Td>
                <StatusBadge status={p.status} />
                {p.error && <p className="max-w-xs text-sm text-red-800">{p.error}</p>}
                {p.jobId && (
                  <p className="text-xs">
                    <TextLink href={`/jobs/${p.jobId}`}>Job</TextLink>
                  </p>
                )}
              </Td>
              <Td className="whitespace-nowrap">{formatDateTime(p.publishedAt ?? p.updatedAt)}</Td>
              <Td>{p.publishedBy ?? '—'}</Td>
              <Td>
                {p.mayPublish && (
                  <PublicationActions
                    publication={{
                      id: p.id,
                      imageId: image.id,
                      imageName: image.name,
                      accountId: p.accountId,
                      accountName: p.accountName,
                      status: p.status,
                    }}
                  />
                )}
              </Td>
            </tr>
          ))}
        </Table>
      </div>
    </Section>
  );
}
