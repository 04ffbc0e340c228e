import type { Metadata } from 'next';
import { JobsTable } from '@/components/jobs/jobs-table';
import { PageHeader } from '@/components/ui/layout';
import { requireUser } from '@/lib/auth/session';
import { listJobs } from '@/lib/jobs/queries';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Jobs" description="Installs and other long-running work, newest first (the last 100)." />
      <JobsTable jobs={listJobs(user)} caption="Jobs" empty="No jobs yet. Installing an image on a node starts one." />
    </>
  );
}
