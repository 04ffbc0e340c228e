import 'server-only';
import { z } from 'zod';
import { named, timestamp } from './registry';

export const tokenList = named(
  'TokenList',
  z.object({
    tokens: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        createdAt: timestamp,
        lastUsedAt: timestamp.nullable(),
        revokedAt: timestamp.nullable(),
      }),
    ),
  }),
  'The caller’s tokens, never the secrets',
);

export const tokenCreated = named(
  'TokenCreated',
  z.object({ id: z.string(), name: z.string(), token: z.string().describe('The secret: shown this once') }),
);

export const tokenRevoked = named('TokenRevoked', z.object({ tokenId: z.string(), revoked: z.boolean() }));

export const session = named(
  'Session',
  z.object({ token: z.string().describe('The secret: shown this once'), tokenId: z.string() }),
  'A new token for the user who signed in',
);
