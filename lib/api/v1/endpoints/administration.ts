import 'server-only';
import { authorize } from '@/lib/auth/policy';
import { listCredentials } from '@/lib/credentials/queries';
import { deleteKey, generateKey, importKey } from '@/lib/credentials/operations';
import { readNodeHostKey, repinNodeHostKey } from '@/lib/nodes/host-key';
import { probeNode, registerNode, testNodeConnection } from '@/lib/nodes/operations';
import { decommissionNode, enableNode, putNodeInMaintenance } from '@/lib/nodes/status';
import { createSize, deleteSizes } from '@/lib/sizes/operations';
import { sizesForDataCenter } from '@/lib/sizes/queries';
import { startImageSync, startSizeSync } from '@/lib/sync/operations';
import { grantRole, revokeRole } from '@/lib/users/grants';
import { createUser, disableUser, enableUser, resetUserPassword, setSuperAdmin } from '@/lib/users/operations';
import { getUserWithGrants, listUsersWithGrants } from '@/lib/users/queries';
import type { Endpoint } from '@/lib/api/v1/endpoint';

/** Infrastructure (SuperAdmins: nodes, credentials, sizes, sync) and people (users, role grants). */
export const ADMINISTRATION_ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/data-centers/{dataCenterId}/node-probes',
    tag: 'Nodes',
    summary: 'Connect to a would-be node once and read its host key fingerprint, to confirm before registering',
    op: probeNode,
  },
  {
    method: 'POST',
    path: '/data-centers/{dataCenterId}/nodes',
    tag: 'Nodes',
    summary: 'Register a node with the host key fingerprint the probe showed',
    op: registerNode,
    status: 201,
  },
  {
    method: 'POST',
    path: '/nodes/{nodeId}/connection-test',
    tag: 'Nodes',
    summary: 'Test the connection and refresh capacity',
    op: testNodeConnection,
    body: 'none',
  },
  {
    method: 'POST',
    path: '/nodes/{nodeId}/enable',
    tag: 'Nodes',
    summary: 'Enable a node in maintenance or error',
    op: enableNode,
    body: 'none',
  },
  {
    method: 'POST',
    path: '/nodes/{nodeId}/maintenance',
    tag: 'Nodes',
    summary: 'Put a node in maintenance; a reason is required',
    op: putNodeInMaintenance,
  },
  {
    method: 'POST',
    path: '/nodes/{nodeId}/decommission',
    tag: 'Nodes',
    summary: 'Decommission a node; its images become unavailable',
    op: decommissionNode,
  },
  {
    method: 'POST',
    path: '/nodes/{nodeId}/host-key-reads',
    tag: 'Nodes',
    summary: 'Read the node’s current host key, next to the pinned one',
    op: readNodeHostKey,
    body: 'none',
  },
  {
    method: 'PUT',
    path: '/nodes/{nodeId}/host-key',
    tag: 'Nodes',
    summary: 'Re-pin the host key; the fingerprint read must still match',
    op: repinNodeHostKey,
  },
  {
    method: 'POST',
    path: '/data-centers/{dataCenterId}/sync-images',
    tag: 'Data centers',
    summary: 'Sync Available Images (a job); verify re-hashes the files',
    op: startImageSync,
    status: 202,
  },
  {
    method: 'POST',
    path: '/data-centers/{dataCenterId}/sync-sizes',
    tag: 'Data centers',
    summary: 'Sync Available Sizes (a job)',
    op: startSizeSync,
    status: 202,
    body: 'none',
  },
  {
    method: 'GET',
    path: '/data-centers/{dataCenterId}/sizes',
    tag: 'Sizes',
    summary: 'VM sizes, with whether each fits in this data center and why not',
    what: 'The data center',
    load: (user, { params }) => ({ sizes: sizesForDataCenter(user, params.dataCenterId!) }),
  },
  { method: 'POST', path: '/sizes', tag: 'Sizes', summary: 'Add a VM size', op: createSize, status: 201 },
  {
    method: 'POST',
    path: '/size-deletions',
    tag: 'Sizes',
    summary: 'Delete VM sizes that nothing uses',
    op: deleteSizes,
  },
  {
    method: 'GET',
    path: '/credentials',
    tag: 'Credentials',
    summary: 'SSH keys: names and public keys only',
    what: 'Credentials',
    load: (user) => {
      authorize(user, 'infrastructure.manage', {});
      return { credentials: listCredentials() };
    },
  },
  {
    method: 'POST',
    path: '/credentials',
    tag: 'Credentials',
    summary: 'Generate an ed25519 key',
    op: generateKey,
    status: 201,
  },
  {
    method: 'POST',
    path: '/credential-imports',
    tag: 'Credentials',
    summary: 'Import a private key (with its passphrase if encrypted); never shown again',
    op: importKey,
    status: 201,
  },
  {
    method: 'DELETE',
    path: '/credentials/{credentialId}',
    tag: 'Credentials',
    summary: 'Delete a key no node uses',
    op: deleteKey,
    body: 'none',
  },
  {
    method: 'GET',
    path: '/users',
    tag: 'Users',
    summary: 'Users with their role grants',
    what: 'Users',
    load: (user) => ({ users: listUsersWithGrants(user) }),
  },
  { method: 'POST', path: '/users', tag: 'Users', summary: 'Create a user', op: createUser, status: 201 },
  {
    method: 'GET',
    path: '/users/{userId}',
    tag: 'Users',
    summary: 'One user with their grants',
    what: 'The user',
    load: (user, { params }) => getUserWithGrants(user, params.userId!),
  },
  {
    method: 'POST',
    path: '/users/{userId}/disable',
    tag: 'Users',
    summary: 'Disable a user; their sessions and tokens stop working',
    op: disableUser,
    body: 'none',
  },
  {
    method: 'POST',
    path: '/users/{userId}/enable',
    tag: 'Users',
    summary: 'Enable a user',
    op: enableUser,
    body: 'none',
  },
  {
    method: 'PUT',
    path: '/users/{userId}/password',
    tag: 'Users',
    summary: 'Reset a user’s password',
    op: resetUserPassword,
  },
  {
    method: 'PUT',
    path: '/users/{userId}/super-admin',
    tag: 'Users',
    summary: 'Set or clear the SuperAdmin flag',
    op: setSuperAdmin,
  },
  {
    method: 'PUT',
    path: '/users/{userId}/grants/{dataCenterId}/{role}',
    tag: 'Users',
    summary: 'Grant a role on a data center',
    op: grantRole,
    body: 'none',
  },
  {
    method: 'DELETE',
    path: '/users/{userId}/grants/{dataCenterId}/{role}',
    tag: 'Users',
    summary: 'Revoke a role on a data center',
    op: revokeRole,
    body: 'none',
  },
];
