import 'server-only';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { getConfig } from '@/lib/config';
import { UnavailableError } from '@/lib/errors';
import { redactUrlCredentials } from '@/lib/format';
import { blockedRange, type BlockedRange, type Cidr } from './addresses';

/**
 * The portal's own GET requests to URLs users choose. Every hop of a redirect chain is checked
 * again, and the address check runs on the address actually connected to (inside the socket's DNS
 * lookup), so a DNS answer cannot change between the check and the connection.
 */

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers meant for the first server only; a redirect to another origin does not get them. */
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

// Sockets are never pooled: a reused socket skips the lookup, and with it the address check.
const agents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

export type OutboundRequestOptions = { headers?: Record<string, string>; signal?: AbortSignal };

export type OutboundResponse = {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  /** Streams as read (with backpressure); an abort of the request's signal destroys it. */
  body: http.IncomingMessage;
};

/** The portal refused to connect: the address is not one it reaches, or the URL not http(s). */
export class OutboundRefusedError extends UnavailableError {}

/**
 * GETs `url`, following up to MAX_REDIRECTS redirects. Rejects with an OutboundRefusedError for a
 * blocked address or scheme, an UnavailableError for too many redirects, the signal's reason when
 * aborted, and otherwise as global fetch does (an error "fetch failed" whose cause is the network's).
 */
export function outboundGet(url: string, options: OutboundRequestOptions = {}): Promise<OutboundResponse> {
  return outbound('GET', url, options);
}

/** As outboundGet, asking only for the headers: a URL's status and size without its body. */
export function outboundHead(url: string, options: OutboundRequestOptions = {}): Promise<OutboundResponse> {
  return outbound('HEAD', url, options);
}

async function outbound(method: 'GET' | 'HEAD', url: string, options: OutboundRequestOptions) {
  const allow = getConfig().outboundAllow;
  const first = parseUrl(url);
  let target = first;
  let headers = { ...options.headers };
  for (let redirects = 0; ; redirects += 1) {
    assertFetchable(target, first);
    const response = await requestOnce(method, target, first, headers, allow, options.signal);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (!REDIRECT_STATUSES.has(status) || !location) {
      return {
        url: target.toString(),
        status,
        statusText: response.statusMessage ?? '',
        headers: response.headers,
        body: response,
      };
    }
    response.destroy();
    if (redirects === MAX_REDIRECTS) {
      throw new UnavailableError(
        `${redacted(first)} redirected more than ${MAX_REDIRECTS} times; the portal stopped following it.`,
      );
    }
    const next = parseUrl(location, target);
    if (next.origin !== target.origin) headers = withoutOriginBoundHeaders(headers);
    target = next;
  }
}

function parseUrl(text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    const what = base
      ? `${redacted(base)} redirected to "${redactUrlCredentials(text)}", which`
      : `"${redactUrlCredentials(text)}"`;
    throw new UnavailableError(`${what} is not a valid URL.`);
  }
}

function assertFetchable(target: URL, first: URL): void {
  if (target.protocol === 'http:' || target.protocol === 'https:') return;
  const what = target === first ? redacted(target) : `${redacted(target)} (redirected from ${redacted(first)})`;
  throw new OutboundRefusedError(`Refused to fetch ${what}: the portal fetches only http and https URLs.`);
}

function refusal(target: URL, first: URL, address: string, range: BlockedRange): OutboundRefusedError {
  const where = target === first ? redacted(target) : `${redacted(target)} (redirected from ${redacted(first)})`;
  const host = hostOf(target);
  const subject =
    host === address
      ? `${address} (${range.kind}, ${range.range}) is`
      : `${host} resolves to ${address} (${range.kind}, ${range.range}), which is`;
  return new OutboundRefusedError(
    `Refused to connect to ${where}: ${subject} a private, loopback or link-local address; the portal does not connect there unless PORTAL_OUTBOUND_ALLOW lists it.`,
  );
}

function requestOnce(
  method: 'GET' | 'HEAD',
  target: URL,
  first: URL,
  headers: Record<string, string>,
  allow: readonly Cidr[],
  signal?: AbortSignal,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // An IP literal never goes through the lookup, so it is checked here.
    const host = hostOf(target);
    const literalBlock = net.isIP(host) ? blockedRange(host, allow) : null;
    if (literalBlock) return reject(refusal(target, first, host, literalBlock));

    const protocol = target.protocol as 'http:' | 'https:';
    const request = (protocol === 'https:' ? https : http).request(target, {
      method,
      headers,
      agent: agents[protocol],
      lookup: guardedLookup(target, first, allow),
    });
    let response: http.IncomingMessage | undefined;
    const onAbort = () => {
      request.destroy(signal?.reason);
      response?.destroy(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const forget = () => signal?.removeEventListener('abort', onAbort);
    request.on('response', (res) => {
      response = res;
      res.once('close', forget);
      resolve(res);
    });
    // Kept for the request's whole life: a socket error after the response must not go unhandled.
    request.on('error', (err) => {
      if (response) return;
      forget();
      if (signal?.aborted) reject(signal.reason);
      else if (err instanceof OutboundRefusedError) reject(err);
      else reject(new Error('fetch failed', { cause: err }));
    });
    request.end();
  });
}

/** dns.lookup that hands the socket only addresses it may connect to, or fails with the refusal. */
function guardedLookup(target: URL, first: URL, allow: readonly Cidr[]): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '');
      const permitted = addresses.filter((a) => !blockedRange(a.address, allow));
      if (permitted.length === 0) {
        const refused = addresses[0];
        const range = refused ? blockedRange(refused.address, allow)! : { range: hostname, kind: 'no address' };
        return callback(refusal(target, first, refused?.address ?? hostname, range), options.all ? [] : '');
      }
      if (options.all) callback(null, permitted);
      else callback(null, permitted[0]!.address, permitted[0]!.family);
    });
  };
}

function withoutOriginBoundHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.has(name.toLowerCase())));
}

/** The host as a socket sees it: IPv6 literals without their brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');
const redacted = (url: URL) => redactUrlCredentials(url.toString());
