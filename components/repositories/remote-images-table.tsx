import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes, formatDateTime } from '@/lib/format';
import type { RemoteImageRow } from '@/lib/repositories/browse';
import { ImportForm, type ImportTargets } from './import-form';

/** A repository's images as last refreshed, with whether each is here already and a way to import it. */
export function RemoteImagesTable({
  repositoryId,
  rows,
  targets,
  caption,
  empty,
}: {
  repositoryId: string;
  rows: RemoteImageRow[];
  targets: ImportTargets;
  caption: string;
  empty: React.ReactNode;
}) {
  return (
    <Table
      caption={caption}
      columns={['Name', 'Version', 'OS', 'Type', 'Size', 'Published', 'Here', 'Import']}
      isEmpty={rows.length === 0}
      empty={empty}
    >
      {rows.map((r) => (
        <tr key={r.uuid}>
          <Td className="font-medium">
            {r.name}
            <div className="font-mono text-xs font-normal text-slate-500">{r.uuid}</div>
          </Td>
          <Td>{r.version}</Td>
          <Td>{r.os}</Td>
          <Td>{r.type}</Td>
          <Td className="whitespace-nowrap">
            {formatBytes(r.sizeBytes)}
            {r.compression !== 'none' && <div className="text-xs text-slate-500">{r.compression}</div>}
          </Td>
          <Td className="whitespace-nowrap">{r.publishedAt ? formatDateTime(new Date(r.publishedAt)) : '—'}</Td>
          <Td className="whitespace-nowrap">
            {r.imported ? (
              <TextLink href={`/images/${r.imported.id}`}>Imported as {r.imported.name}</TextLink>
            ) : (
              <span className="text-slate-500">Not imported</span>
            )}
          </Td>
          <Td>{r.imported ? null : <ImportForm repositoryId={repositoryId} image={r} targets={targets} />}</Td>
        </tr>
      ))}
    </Table>
  );
}
