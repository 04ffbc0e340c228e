'use server';

import { serverAction } from '@/lib/actions/server-action';
import { attachAndInstall, installImage } from './operations';

export const installImageAction = serverAction(installImage, {
  revalidate: () => ['/images', '/jobs'],
  redirectTo: (r) => `/jobs/${r.jobId}`,
});

export const attachAndInstallAction = serverAction(attachAndInstall, {
  revalidate: (r) => ['/images', '/jobs', `/locations/${r.dataCenterId}`],
});
