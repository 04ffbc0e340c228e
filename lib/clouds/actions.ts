'use server';

import { serverAction } from '@/lib/actions/server-action';
import { createCloudAccount, deleteCloudAccount, testCloudAccount, updateCloudAccount } from './operations';

export const createCloudAccountAction = serverAction(createCloudAccount, {
  revalidate: () => ['/clouds'],
  redirectTo: (r) => `/clouds/${r.id}`,
});

export const updateCloudAccountAction = serverAction(updateCloudAccount, {
  revalidate: (r) => ['/clouds', `/clouds/${r.id}`],
});

export const deleteCloudAccountAction = serverAction(deleteCloudAccount, {
  revalidate: () => ['/clouds'],
  redirectTo: () => '/clouds',
});

export const testCloudAccountAction = serverAction(testCloudAccount, {
  revalidate: () => ['/clouds'],
});
