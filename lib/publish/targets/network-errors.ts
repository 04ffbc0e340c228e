import 'server-only';
import { OutboundRefusedError } from '@/lib/net/outbound';
import { CloudError } from '@/lib/publish/target';

/**
 * Failures to reach a cloud at all, in the same words for every target: Node's own errors
 * (ECONNREFUSED, a TLS code), however deep a client library wrapped them.
 */

export const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;
const UNREACHABLE: Record<string, { words: string; transient: boolean }> = {
  ECONNREFUSED: { words: 'the connection was refused', transient: true },
  ENOTFOUND: { words: 'the host name does not resolve', transient: false },
  EAI_AGAIN: { words: 'the host name could not be resolved for now', transient: true },
  EHOSTUNREACH: { words: 'the host is unreachable', transient: true },
  ENETUNREACH: { words: 'the network is unreachable', transient: true },
  ETIMEDOUT: { words: 'the connection timed out', transient: true },
  TimeoutError: { words: 'the request timed out', transient: true },
  ECONNRESET: { words: 'the connection was reset', transient: true },
  EPIPE: { words: 'the connection was closed', transient: true },
};

/**
 * A failure to reach `endpoint` at all (refused, unresolvable, timed out, reset, TLS), in plain
 * words; undefined for anything else. Every target meets Node's own errors, through whichever client it uses.
 */
export function networkFailure(err: Error, endpoint: string): CloudError | undefined {
  for (const e of causes(err)) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (TLS_CODE.test(code) || code === 'EPROTO')
      return new CloudError('tls', `TLS with ${endpoint} failed (${code}): ${e.message}`, false, { cause: err });
    const known = UNREACHABLE[code] ?? UNREACHABLE[e.name];
    if (known)
      return new CloudError('unreachable', `Could not reach ${endpoint}: ${known.words}.`, known.transient, {
        cause: err,
      });
  }
  return undefined;
}

/** The portal's own refusal to connect, wherever an SDK wrapped it. */
export function findOutboundRefusal(err: unknown): OutboundRefusedError | undefined {
  if (!(err instanceof Error)) return undefined;
  return causes(err).find((e): e is OutboundRefusedError => e instanceof OutboundRefusedError);
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

/** The error, its causes and an AggregateError's parts (Node's connect tries each address). */
function causes(err: Error): Error[] {
  const seen: Error[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.length < 10) {
    const next = queue.shift();
    if (!(next instanceof Error) || seen.includes(next)) continue;
    seen.push(next);
    queue.push(next.cause);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
  }
  return seen;
}
