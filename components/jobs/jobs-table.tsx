import type { ReactNode } from 'react';
import { ProgressBar } from '@/components/ui/progress-bar';
import { TextLink } from '@/components/ui/text-link';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, Td } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import type { JobListItem } from '@/lib/jobs/queries';

export function JobsTable({ jobs, caption, empty }: { jobs: JobListItem[]; caption: string; empty: ReactNode }) {
  return (
    <Table
      caption={caption}
      columns={['Job', 'Kind', 'Status', 'Image', 'Node', 'Phase', 'Progress', 'Created', 'By']}
      isEmpty={jobs.length === 0}
      empty={empty}
    >
      {jobs.map(({ job, imageName, nodeName, createdByName }) => (
        <tr key={job.id}>
          <Td>
            <TextLink href={`/jobs/${job.id}`} className="font-mono text-xs">
              {job.id.slice(0, 8)}
            </TextLink>
          </Td>
          <Td>{job.kind}</Td>
          <Td>
            <StatusBadge status={job.status} />
          </Td>
          <Td>{imageName ?? '—'}</Td>
          <Td>{nodeName ?? '—'}</Td>
          <Td>{job.phase ?? '—'}</Td>
          <Td>
            {job.bytesTotal || job.bytesDone > 0 ? (
              <ProgressBar
                compact
                label={`Progress of job ${job.id.slice(0, 8)}`}
                value={job.bytesDone}
                max={job.bytesTotal}
                unit="bytes"
              />
            ) : (
              '—'
            )}
          </Td>
          <Td className="whitespace-nowrap">{formatDateTime(job.createdAt)}</Td>
          <Td>{createdByName ?? 'system'}</Td>
        </tr>
      ))}
    </Table>
  );
}
