import 'server-only';
import crypto from 'node:crypto';

/** Marks a string as one of this portal's API tokens, so a stray secret is recognised at a glance. */
export const TOKEN_PREFIX = 'cbp_';

export function newTokenSecret(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** A token is 256 random bits, so a fast hash is enough to store it: there is nothing to brute-force. */
export function hashOf(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
