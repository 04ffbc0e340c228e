import 'server-only';
import { headers } from 'next/headers';

/**
 * The URL at which this portal's own IMGAPI repository answers, as the browser reached the portal:
 * what another portal or `imgadm` would be given. A reverse proxy's X-Forwarded-* headers win.
 */
export async function ownImgapiUrl(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost';
  const proto = h.get('x-forwarded-proto') ?? 'http';
  return `${proto}://${host}/imgapi`;
}
