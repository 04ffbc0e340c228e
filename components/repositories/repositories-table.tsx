import { Table, Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { formatDateTime } from '@/lib/format';
import type { listRepositories } from '@/lib/repositories/queries';
import { RefreshButton } from './refresh-button';

type Row = Awaited<ReturnType<typeof listRepositories>>[number];

/** Each repository with what its last refresh found; the error of the last refresh or import stays until the next success. */
export function RepositoriesTable({ repositories, manageable }: { repositories: Row[]; manageable: boolean }) {
  return (
    <Table
      caption="Image repositories"
      columns={['Name', 'URL', 'Images', 'Last refreshed', 'Last error', 'Actions']}
      isEmpty={repositories.length === 0}
      empty={
        manageable
          ? 'No repositories yet. Add one below, for example another portal’s /imgapi.'
          : 'No repositories yet. A SuperAdmin adds them.'
      }
    >
      {repositories.map((r) => (
        <tr key={r.id}>
          <Td className="font-medium">
            <TextLink href={`/repositories/${r.id}`}>{r.name}</TextLink>
          </Td>
          <Td className="max-w-xs break-all">{r.url}</Td>
          <Td>{r.imageCount ?? '—'}</Td>
          <Td className="whitespace-nowrap">{r.lastRefreshedAt ? formatDateTime(r.lastRefreshedAt) : 'never'}</Td>
          <Td className="max-w-sm text-red-800">{r.lastError ?? <span className="text-slate-500">none</span>}</Td>
          <Td>
            <RefreshButton repository={r} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
