import 'server-only';
import { authorize } from '@/lib/auth/policy';
import { deleteKey, generateKey, importKey } from '@/lib/credentials/operations';
import { listCredentials } from '@/lib/credentials/queries';
import { createSize, deleteSizes } from '@/lib/sizes/operations';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import {
  credentialCreated,
  credentialList,
  deletedByName,
  sizeCreated,
  sizesDeleted,
} from '@/lib/api/v1/responses/administration';

/** SuperAdmins' infrastructure: VM sizes and the SSH keys the portal reaches nodes with. */
export const INFRASTRUCTURE_ENDPOINTS: Endpoint[] = [
  defineWrite({
    method: 'POST',
    path: '/sizes',
    tag: 'Sizes',
    summary: 'Add a VM size',
    description: 'SuperAdmins only. Where it fits is known after the next size sync of each data center.',
    op: createSize,
    status: 201,
    response: sizeCreated,
  }),
  defineWrite({
    method: 'POST',
    path: '/size-deletions',
    tag: 'Sizes',
    summary: 'Delete VM sizes that nothing uses',
    description: 'SuperAdmins only. All or nothing: an unknown size id refuses the whole request.',
    op: deleteSizes,
    response: sizesDeleted,
  }),
  defineRead({
    method: 'GET',
    path: '/credentials',
    tag: 'Credentials',
    summary: 'SSH keys: names and public keys only',
    description: 'SuperAdmins only. Private keys are sealed at rest and never sent.',
    what: 'Credentials',
    response: credentialList,
    load: async (user) => {
      authorize(user, 'infrastructure.manage', {});
      return { credentials: await listCredentials() };
    },
  }),
  defineWrite({
    method: 'POST',
    path: '/credentials',
    tag: 'Credentials',
    summary: 'Generate an ed25519 key',
    description: 'SuperAdmins only. Put the public key in the node user’s authorized_keys.',
    op: generateKey,
    status: 201,
    response: credentialCreated,
  }),
  defineWrite({
    method: 'POST',
    path: '/credential-imports',
    tag: 'Credentials',
    summary: 'Import a private key (with its passphrase if encrypted); never shown again',
    description: 'SuperAdmins only. The key is sealed at rest; only its public half is ever shown.',
    op: importKey,
    status: 201,
    response: credentialCreated,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/credentials/{credentialId}',
    tag: 'Credentials',
    summary: 'Delete a key no node uses',
    description: 'SuperAdmins only. Refused while a node connects with it.',
    op: deleteKey,
    body: 'none',
    response: deletedByName,
  }),
];
