import 'server-only';
import { createApiToken, revokeApiToken } from '@/lib/tokens/operations';
import { listOwnApiTokens } from '@/lib/tokens/queries';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import { tokenCreated, tokenList, tokenRevoked } from '@/lib/api/v1/responses/tokens';

const tag = 'Tokens';

/** The caller's own API tokens; POST /session, which needs none, is in the document by hand. */
export const TOKEN_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/tokens',
    tag,
    summary: 'The caller’s API tokens (never the secrets)',
    description: 'Only the hash of a token is stored, so its secret cannot be shown again.',
    what: 'Tokens',
    response: tokenList,
    load: async (user) => ({ tokens: await listOwnApiTokens(user) }),
  }),
  defineWrite({
    method: 'POST',
    path: '/tokens',
    tag,
    summary: 'Create a token; the answer is the only time it is shown',
    description: 'Name it after the script that uses it, to know which to revoke.',
    op: createApiToken,
    status: 201,
    response: tokenCreated,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/tokens/{tokenId}',
    tag,
    summary: 'Revoke one of the caller’s tokens',
    description: 'The token stops working at once.',
    op: revokeApiToken,
    body: 'none',
    response: tokenRevoked,
  }),
];
