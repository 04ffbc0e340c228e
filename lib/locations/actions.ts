'use server';

import { serverAction } from '@/lib/actions/server-action';
import { createDataCenter, renameDataCenter, setRelayInstalls } from './operations';

export const createDataCenterAction = serverAction(createDataCenter, {
  revalidate: () => ['/locations'],
  redirectTo: (r) => `/locations/${r.id}`,
});

export const renameDataCenterAction = serverAction(renameDataCenter, {
  revalidate: (r) => ['/locations', `/locations/${r.id}`],
});

export const setRelayInstallsAction = serverAction(setRelayInstalls, {
  revalidate: (r) => [`/locations/${r.id}`],
});
