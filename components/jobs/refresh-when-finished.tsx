'use client';

import { skipToken, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { isJobActive } from '@/lib/db/enums';
import type { JobSnapshot } from '@/lib/jobs/snapshot';

/**
 * The server renders a job's result once the job has one. JobProgress already polls the job; this
 * listens to the same query and reloads the server part of the page once the job has finished.
 */
export function RefreshWhenFinished({ jobId }: { jobId: string }) {
  const router = useRouter();
  const { data } = useQuery<JobSnapshot>({ queryKey: ['job', jobId], queryFn: skipToken });
  const finished = data !== undefined && !isJobActive(data.status);
  useEffect(() => {
    if (finished) router.refresh();
  }, [finished, router]);
  return null;
}
