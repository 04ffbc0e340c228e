'use server';

import { serverAction } from '@/lib/actions/server-action';
import { createDataCenter } from './operations';

export const createDataCenterAction = serverAction(createDataCenter, {
  revalidate: () => ['/locations'],
  redirectTo: (r) => `/locations/${r.id}`,
});
