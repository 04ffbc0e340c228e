'use server';

import { serverAction } from '@/lib/actions/server-action';
import { startImageSync, startSizeSync } from './operations';

// The job page follows the sync live, as it does an install.
export const startImageSyncAction = serverAction(startImageSync, {
  revalidate: () => ['/jobs'],
  redirectTo: (r) => `/jobs/${r.jobId}`,
});
export const startSizeSyncAction = serverAction(startSizeSync, {
  revalidate: () => ['/jobs'],
  redirectTo: (r) => `/jobs/${r.jobId}`,
});
