import 'server-only';
import { grantRole, revokeRole } from '@/lib/users/grants';
import { createUser, disableUser, enableUser, resetUserPassword, setSuperAdmin } from '@/lib/users/operations';
import { getUserWithGrants, listUsersWithGrants } from '@/lib/users/queries';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import {
  grantChanged,
  userChanged,
  userCreated,
  userList,
  userWithGrants,
} from '@/lib/api/v1/responses/administration';

const tag = 'Users';

/** People and their roles: SuperAdmins' business. A change applies on the user's next request. */
export const USER_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/users',
    tag,
    summary: 'Users with their role grants',
    description: 'SuperAdmins only.',
    what: 'Users',
    response: userList,
    load: async (user) => ({ users: await listUsersWithGrants(user) }),
  }),
  defineWrite({
    method: 'POST',
    path: '/users',
    tag,
    summary: 'Create a user',
    description: 'SuperAdmins only. The password has at least 12 characters.',
    op: createUser,
    status: 201,
    response: userCreated,
  }),
  defineRead({
    method: 'GET',
    path: '/users/{userId}',
    tag,
    summary: 'One user with their grants',
    description: 'SuperAdmins only.',
    what: 'The user',
    response: userWithGrants,
    load: async (user, { params }) => await getUserWithGrants(user, params.userId!),
  }),
  defineWrite({
    method: 'POST',
    path: '/users/{userId}/disable',
    tag,
    summary: 'Disable a user; their sessions and tokens stop working',
    description: 'Disabling yourself or the last enabled SuperAdmin is refused.',
    op: disableUser,
    body: 'none',
    response: userChanged,
  }),
  defineWrite({
    method: 'POST',
    path: '/users/{userId}/enable',
    tag,
    summary: 'Enable a user',
    description: 'Their tokens work again.',
    op: enableUser,
    body: 'none',
    response: userChanged,
  }),
  defineWrite({
    method: 'PUT',
    path: '/users/{userId}/password',
    tag,
    summary: 'Reset a user’s password',
    description: 'Ends the sessions the user is signed in with; their API tokens keep working.',
    op: resetUserPassword,
    response: userChanged,
  }),
  defineWrite({
    method: 'PUT',
    path: '/users/{userId}/super-admin',
    tag,
    summary: 'Set or clear the SuperAdmin flag',
    description: 'Clearing it on the last enabled SuperAdmin is refused.',
    op: setSuperAdmin,
    response: userChanged,
  }),
  defineWrite({
    method: 'PUT',
    path: '/users/{userId}/grants/{dataCenterId}/{role}',
    tag,
    summary: 'Grant a role on a data center',
    description: 'An ImageImportAdmin grant has effect only beside ImageAdmin on the same data center.',
    op: grantRole,
    body: 'none',
    response: grantChanged,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/users/{userId}/grants/{dataCenterId}/{role}',
    tag,
    summary: 'Revoke a role on a data center',
    description: 'Applies on the user’s next request.',
    op: revokeRole,
    body: 'none',
    response: grantChanged,
  }),
];
