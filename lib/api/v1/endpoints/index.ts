import 'server-only';
import type { Endpoint } from '@/lib/api/v1/endpoint';
import { createApiToken, revokeApiToken } from '@/lib/tokens/operations';
import { listOwnApiTokens } from '@/lib/tokens/queries';
import { ADMINISTRATION_ENDPOINTS } from './administration';
import { IMAGE_ENDPOINTS } from './images';
import { OPERATIONS_ENDPOINTS } from './operations';
import { REPOSITORY_ENDPOINTS } from './repositories';

const TOKEN_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/tokens',
    tag: 'Tokens',
    summary: 'The caller’s API tokens (never the secrets)',
    what: 'Tokens',
    load: (user) => ({ tokens: listOwnApiTokens(user) }),
  },
  {
    method: 'POST',
    path: '/tokens',
    tag: 'Tokens',
    summary: 'Create a token; the answer is the only time it is shown',
    op: createApiToken,
    status: 201,
  },
  {
    method: 'DELETE',
    path: '/tokens/{tokenId}',
    tag: 'Tokens',
    summary: 'Revoke one of the caller’s tokens',
    op: revokeApiToken,
    body: 'none',
  },
];

/** Every endpoint of the JSON API v1 that acts for a token's user. */
export const ENDPOINTS: Endpoint[] = [
  ...IMAGE_ENDPOINTS,
  ...OPERATIONS_ENDPOINTS,
  ...ADMINISTRATION_ENDPOINTS,
  ...REPOSITORY_ENDPOINTS,
  ...TOKEN_ENDPOINTS,
];
