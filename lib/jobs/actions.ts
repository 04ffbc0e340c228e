'use server';

import { serverAction } from '@/lib/actions/server-action';
import { cancelJob, pauseJob, resumeJob, retryJob } from './operations';

const revalidate = (result: { jobId: string }) => [`/jobs/${result.jobId}`, '/jobs'];

export const cancelJobAction = serverAction(cancelJob, { revalidate });
export const pauseJobAction = serverAction(pauseJob, { revalidate });
export const resumeJobAction = serverAction(resumeJob, { revalidate });
/** The new job's page shows how the retry goes. */
export const retryJobAction = serverAction(retryJob, { revalidate, redirectTo: (r) => `/jobs/${r.jobId}` });
