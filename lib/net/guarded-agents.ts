import 'server-only';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { getConfig } from '@/lib/config';
import { blockedRange } from './addresses';
import { OutboundRefusedError } from './outbound';

/**
 * HTTP agents for client libraries that make their own requests (the AWS and Azure SDKs, the
 * OpenStack client): every connection's address is checked inside its DNS lookup, as
 * outboundGet does, so a cloud endpoint cannot point the portal at its own network unless
 * PORTAL_OUTBOUND_ALLOW lists it. IP literals skip the lookup; assertOutboundUrl checks those.
 */
export function guardedAgents(options: { keepAlive?: boolean } = {}) {
  const lookup = guardedLookup();
  // keepAlive is safe here: a pooled socket was checked when it connected, to the same host.
  const common = { keepAlive: options.keepAlive ?? true, lookup };
  return { httpAgent: new http.Agent(common), httpsAgent: new https.Agent(common) };
}

/** Refuses a URL that is not http(s), or whose host is an IP literal the portal may not reach. */
export function assertOutboundUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundRefusedError(`"${url}" is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new OutboundRefusedError(`Refused to connect to ${parsed.origin}: only http and https are used.`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(host)) {
    const range = blockedRange(host, getConfig().outboundAllow);
    if (range) throw refusal(host, host, range);
  }
  return parsed;
}

function guardedLookup(): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '');
      const allow = getConfig().outboundAllow;
      const permitted = addresses.filter((a) => !blockedRange(a.address, allow));
      if (permitted.length === 0) {
        const first = addresses[0];
        const range = first ? blockedRange(first.address, allow)! : { range: hostname, kind: 'no address' };
        return callback(refusal(hostname, first?.address ?? hostname, range), options.all ? [] : '');
      }
      if (options.all) callback(null, permitted);
      else callback(null, permitted[0]!.address, permitted[0]!.family);
    });
  };
}

function refusal(host: string, address: string, range: { range: string; kind: string }) {
  const subject = host === address ? `${address} is` : `${host} resolves to ${address}, which is`;
  return new OutboundRefusedError(
    `Refused to connect to ${host}: ${subject} a ${range.kind} address (${range.range}); the portal does not connect there unless PORTAL_OUTBOUND_ALLOW lists it.`,
  );
}
