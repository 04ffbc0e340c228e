import 'server-only';
import { deleteCloudAccount, createCloudAccount, testCloudAccount, updateCloudAccount } from '@/lib/clouds/operations';
import { getCloudAccountView, listCloudAccounts } from '@/lib/clouds/queries';
import { publishImage, removePublication } from '@/lib/publish/operations';
import { listImagePublications } from '@/lib/publish/queries';
import { getImage } from '@/lib/images/queries';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import { deletedByName } from '@/lib/api/v1/responses/administration';
import {
  cloudAccountList,
  cloudAccountSaved,
  cloudAccountView,
  connectionTested,
  publicationList,
  publicationRemoved,
} from '@/lib/api/v1/responses/clouds';
import { jobQueued } from '@/lib/api/v1/responses/jobs';

const tag = 'Clouds';

const ACCOUNT_BODY =
  'The fields of the account’s `kind` (openstack, s3 or azure-blob), flat, as on the Clouds page. Secret fields (password, applicationCredentialSecret, secretAccessKey, sasToken, accountKey) are stored encrypted and never returned';

/** Cloud accounts (SuperAdmins) and publishing images to them: the same operations as the pages. */
export const CLOUD_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/clouds',
    tag,
    summary: 'Cloud accounts with their binding and last connection test',
    description: 'SuperAdmins only. Secrets are never returned.',
    what: 'Cloud accounts',
    response: cloudAccountList,
    load: async (user) => ({ accounts: await listCloudAccounts(user) }),
  }),
  defineWrite({
    method: 'POST',
    path: '/clouds',
    tag,
    summary: 'Add a cloud account',
    description: `${ACCOUNT_BODY}. SuperAdmins only.`,
    op: createCloudAccount,
    status: 201,
    response: cloudAccountSaved,
  }),
  defineRead({
    method: 'GET',
    path: '/clouds/{accountId}',
    tag,
    summary: 'One cloud account: settings and the names of its stored secrets',
    description: 'SuperAdmins only.',
    what: 'The cloud account',
    response: cloudAccountView,
    load: async (user, { params }) => await getCloudAccountView(user, params.accountId!),
  }),
  defineWrite({
    method: 'PUT',
    path: '/clouds/{accountId}',
    tag,
    summary: 'Change a cloud account; a secret left out keeps the stored one',
    description: `${ACCOUNT_BODY}. SuperAdmins only.`,
    op: updateCloudAccount,
    response: cloudAccountSaved,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/clouds/{accountId}',
    tag,
    summary: 'Remove a cloud account; refused (409) while images are published through it',
    description: 'Nothing is deleted in the cloud. SuperAdmins only.',
    op: deleteCloudAccount,
    body: 'none',
    response: deletedByName,
  }),
  defineWrite({
    method: 'POST',
    path: '/clouds/{accountId}/test',
    tag,
    summary: 'Try the account’s credentials with one cheap read, and record the outcome',
    description: 'Answers 200 either way; `ok` says whether it connected and `message` why not. SuperAdmins only.',
    op: testCloudAccount,
    body: 'none',
    response: connectionTested,
  }),
  defineRead({
    method: 'GET',
    path: '/images/{imageId}/publications',
    tag,
    summary: 'Where an image is published',
    description: 'For whoever may view the image.',
    what: 'The image',
    response: publicationList,
    load: async (user, { params }) =>
      (await getImage(user, params.imageId!))
        ? { publications: await listImagePublications(user, params.imageId!) }
        : null,
  }),
  defineWrite({
    method: 'POST',
    path: '/images/{imageId}/publications',
    tag,
    summary: 'Publish an image to a cloud account (a job), or publish it again',
    description:
      'SuperAdmins publish any stored image to any account whose binding fits it; ImageAdmins their data center’s images to accounts bound to that data center. The job converts when the cloud needs another format, uploads, compares the cloud’s checksums with ours, and records the copy.',
    op: publishImage,
    status: 202,
    response: jobQueued,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/images/{imageId}/publications/{publicationId}',
    tag,
    summary: 'Remove an image’s copy from the cloud',
    description:
      'Refused (409) while a publish runs, and where the cloud protects the copy (a protected Glance image).',
    op: removePublication,
    body: 'none',
    response: publicationRemoved,
  }),
];
