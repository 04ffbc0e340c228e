/**
 * The address a sign-in comes from, for per-address login throttling.
 *
 * Next.js (`next start`) has no request.ip; it writes the TCP peer's address into X-Forwarded-For,
 * but only when the request carries none (`x-forwarded-for ??= socket.remoteAddress` in
 * next/dist/server/base-server.js). Auth.js v5 copies the request headers into the Request it
 * hands to the Credentials provider's `authorize(credentials, request)`, so that header is where
 * the address is, for the login form (server action) and for scripts posting to
 * /api/auth/callback/credentials alike.
 *
 * - Trusting a proxy (PORTAL_LOGIN_TRUST_PROXY): the last entry, which the reverse proxy in front
 *   of the portal appended for the peer it saw; entries before it came from the client.
 * - Otherwise the portal is reached directly and the header holds what Next.js put there: the
 *   connection's address. A client talking to the portal directly can send its own header, which
 *   Next.js keeps; it then picks its own per-address bucket, while the per-username limit still
 *   holds. Operators who need per-address limits a client cannot dodge put the portal behind a
 *   proxy and trust it.
 */
export function clientAddress(headers: Headers, trustProxy: boolean): string | null {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const address = trustProxy ? entries.at(-1) : entries[0];
  return address ? normalize(address) : null;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client; the cap keeps junk headers out of the index. */
function normalize(address: string): string {
  return address
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
    .slice(0, 64);
}
