import 'server-only';
import { UnavailableError, ValidationError } from '@/lib/errors';
import { redactUrlCredentials } from '@/lib/format';
import { SKIP_CHECK_FIELD } from './schemas';
import { outboundGet, outboundHead, type OutboundRequestOptions } from '@/lib/net/outbound';

/**
 * Asks a new image's source URL for its status and size before the image is saved, through the
 * outbound guard (lib/net), so a typo or a dead link is refused at once rather than on the first
 * install. Nodes often reach mirrors the portal cannot; then the user may save without the check.
 */

export const SOURCE_CHECK_TIMEOUT_MS = 10_000;

export type SourceCheck =
  /** The server answered 2xx; its size, when it said and the body is not re-encoded. */
  | { reachable: true; sizeBytes: number | null }
  /** The portal could not ask: why, in a sentence. */
  | { reachable: false; reason: string };

/**
 * Checks `url`. A 4xx or 5xx answer throws a ValidationError on `sourceUrl`: the URL is wrong, and
 * saving it anyway would only fail later. Only the headers are read.
 */
export async function checkSourceUrl(url: string, timeoutMs = SOURCE_CHECK_TIMEOUT_MS): Promise<SourceCheck> {
  if (!/^https?:/i.test(url)) return { reachable: false, reason: 'the portal checks only http and https URLs' };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await headOrGet(url, { signal });
    if (response.status >= 400) {
      const message = `${redactUrlCredentials(url)} answered ${response.status} ${response.statusText}: there is no image file to download there.`;
      throw new ValidationError(message, { sourceUrl: [message] });
    }
    if (response.status < 200 || response.status > 299) {
      return { reachable: false, reason: `it answered ${response.status} ${response.statusText}` };
    }
    const length = Number(response.headers['content-length']);
    const encoded = Boolean(response.headers['content-encoding']);
    return { reachable: true, sizeBytes: Number.isSafeInteger(length) && length > 0 && !encoded ? length : null };
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    if (signal.aborted) return { reachable: false, reason: `it did not answer within ${timeoutMs / 1000} s` };
    if (err instanceof UnavailableError) return { reachable: false, reason: lowerFirst(err.message) };
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    return { reachable: false, reason: `the connection failed (${cause})` };
  }
}

/** The refusal when the portal could not ask and the user has not said to save anyway. */
export function unreachableSource(url: string, reason: string): ValidationError {
  const message = `The portal could not check ${redactUrlCredentials(url)}: ${reason.replace(/\.$/, '')}. If only the nodes can reach it, save without checking.`;
  return new ValidationError(message, { [SKIP_CHECK_FIELD]: [message] });
}

/** HEAD first; a server that does not do HEAD is asked with a GET whose body is dropped unread. */
async function headOrGet(url: string, options: OutboundRequestOptions) {
  const head = await outboundHead(url, options);
  head.body.destroy();
  if (head.status !== 405 && head.status !== 501) return head;
  const get = await outboundGet(url, options);
  get.body.destroy();
  return get;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
