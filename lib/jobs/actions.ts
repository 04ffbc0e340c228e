'use server';

import { serverAction } from '@/lib/actions/server-action';
import { cancelJob, pauseJob, resumeJob } from './operations';

const revalidate = (result: { jobId: string }) => [`/jobs/${result.jobId}`, '/jobs'];

export const cancelJobAction = serverAction(cancelJob, { revalidate });
export const pauseJobAction = serverAction(pauseJob, { revalidate });
export const resumeJobAction = serverAction(resumeJob, { revalidate });
