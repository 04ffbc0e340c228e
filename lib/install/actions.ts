'use server';

import { serverAction } from '@/lib/actions/server-action';
import { installImage } from './operations';

export const installImageAction = serverAction(installImage, {
  revalidate: () => ['/images', '/jobs'],
  redirectTo: (r) => `/jobs/${r.jobId}`,
});
