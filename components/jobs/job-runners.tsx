import { Table, Td } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import type { LiveRunner } from '@/lib/jobs/runners';

/**
 * The processes that run jobs now: web processes that also run them, and `npm run worker`
 * processes, with the data centers each is bound to. For those who run the portal's machines.
 */
export function JobRunners({ runners }: { runners: LiveRunner[] }) {
  return (
    <section aria-labelledby="job-runners" className="mt-8">
      <h2 id="job-runners" className="mb-2 text-base font-semibold text-slate-900">
        Job runners
      </h2>
      <Table
        caption="Processes that run jobs"
        columns={['Process', 'Role', 'Runs jobs of', 'Running now', 'Since']}
        isEmpty={runners.length === 0}
        empty="No process runs jobs now. Start one with npm run worker, or a web process with PORTAL_RUN_JOBS=true."
      >
        {runners.map((runner) => (
          <tr key={runner.id}>
            <Td className="font-mono text-xs">{runner.id}</Td>
            <Td>{runner.role === 'worker' ? 'Worker' : 'Web process'}</Td>
            <Td>
              {runner.dataCenters.length > 0
                ? runner.dataCenters.map((dc) => dc.code).join(', ')
                : 'Any data center without a runner of its own'}
            </Td>
            <Td>{runner.runningJobs}</Td>
            <Td>{formatDateTime(runner.startedAt)}</Td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

/** Said where queued jobs are listed while nothing would run them. */
export function NoRunnerNotice() {
  return (
    <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      No process is running jobs at the moment, so queued jobs wait. They start as soon as a worker or a web process
      that runs jobs is up again.
    </p>
  );
}
