'use server';

import { serverAction } from '@/lib/actions/server-action';
import { grantRole, revokeRole } from './grants';
import { createUser, disableUser, enableUser, resetUserPassword, setSuperAdmin } from './operations';

const userPages = (r: { id?: string; userId?: string }) => [
  '/access',
  `/access/users/${r.id ?? r.userId}`,
  '/access/matrix',
];

export const createUserAction = serverAction(createUser, {
  revalidate: userPages,
  redirectTo: (r) => `/access/users/${r.id}`,
});
export const disableUserAction = serverAction(disableUser, { revalidate: userPages });
export const enableUserAction = serverAction(enableUser, { revalidate: userPages });
export const resetUserPasswordAction = serverAction(resetUserPassword, { revalidate: userPages });
export const grantRoleAction = serverAction(grantRole, { revalidate: userPages });
export const revokeRoleAction = serverAction(revokeRole, { revalidate: userPages });
export const setSuperAdminAction = serverAction(setSuperAdmin, { revalidate: userPages });
