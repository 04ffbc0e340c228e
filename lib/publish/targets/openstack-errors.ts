import 'server-only';
import { OutboundRefusedError } from '@/lib/net/outbound';
import { CloudError } from '@/lib/publish/target';
import { TLS_CODE } from './network-errors';

/**
 * Turns what went wrong talking to Keystone or Glance into CloudErrors an operator can act on: the
 * reason decides whether the job retries (`transient`) and the words say what to check.
 */

export type OpenstackService = 'Keystone' | 'Glance';

/** A request that got no HTTP answer. The guard's refusal and our own errors pass through unchanged. */
export function networkFailure(err: unknown, service: OpenstackService, url: URL): Error {
  if (err instanceof OutboundRefusedError || err instanceof CloudError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const where = `${service} at ${url.host}`;
  const cause = { cause: err };
  if (TLS_CODE.test(code) || code === 'EPROTO')
    return new CloudError('tls', `The TLS connection to ${where} failed: ${e.message} (${code}).`, false, cause);
  switch (code) {
    case 'ECONNREFUSED':
      return new CloudError(
        'unreachable',
        `${where} refused the connection: check the URL and that the service is running.`,
        true,
        cause,
      );
    case 'ENOTFOUND':
      return new CloudError(
        'unreachable',
        `The host name ${url.hostname} (${service}) does not resolve.`,
        false,
        cause,
      );
    case 'EAI_AGAIN':
      return new CloudError('unreachable', `Looking up ${url.hostname} (${service}) failed for now.`, true, cause);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CloudError('unreachable', `${where} did not answer (${code}).`, true, cause);
    case 'ECONNRESET':
    case 'EPIPE':
      return new CloudError('other', `The connection to ${where} was cut off (${code}).`, true, cause);
    default:
      return new CloudError('other', `The request to ${where} failed: ${e.message}.`, true, cause);
  }
}

/** An HTTP answer that is not the one expected; `doing` says what the portal was doing ("creating the image"). */
export function httpFailure(status: number, body: string, service: OpenstackService, doing: string): CloudError {
  const said = detail(body);
  const message = `${service} answered ${status} when ${doing}${said ? `: ${said}` : '.'}`;
  if (status === 401 || status === 403) return new CloudError('credentials', message);
  if (status === 404) return new CloudError('not-found', message);
  if (status === 413) return new CloudError('refused', message);
  // Throttled or a server-side failure: worth another attempt later.
  if (status === 429 || status >= 500) return new CloudError('other', message, true);
  return new CloudError('other', message);
}

/**
 * The human part of an OpenStack error body: Keystone's {"error": {"message"}}, Glance's
 * {"message"} (webob's HTML line breaks and all), or an HTML page's text, cut short.
 */
export function detail(body: string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    if (typeof message === 'string') text = message;
  } catch {
    // not JSON: an HTML error page or plain text
  }
  text = text
    .replace(/<(title|h1)>[^<]*<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
