import 'server-only';
import { errorMessage, UnavailableError } from '@/lib/errors';
import { formatBytes, redactUrlCredentials } from '@/lib/format';
import { outboundGet, type OutboundResponse } from '@/lib/net/outbound';

/**
 * HTTP reads from remote repositories with the two limits a portal needs against a server it does
 * not control: a silence timeout (connecting, or between two chunks; a slow but moving download
 * is fine) and a cap on how much is read. Requests go through the outbound guard (lib/net), so a
 * repository URL cannot point the portal at its own network.
 */

type ReadOptions = {
  timeoutMs: number;
  /** Reading more than this fails the request; the rest is never downloaded. */
  maxBytes: number;
  /** What is being read, for messages: "the image list", "the manifest". */
  what: string;
  signal?: AbortSignal;
};

class Silence extends Error {}
class Stopped extends Error {}

/** Yields the body of a GET chunk by chunk; throws an UnavailableError the user can read. */
export async function* remoteChunks(url: string, options: ReadOptions): AsyncGenerator<Uint8Array> {
  const controller = new AbortController();
  const where = redactUrlCredentials(url);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Silence()), options.timeoutMs);
  };
  const onStop = () => controller.abort(new Stopped());
  options.signal?.addEventListener('abort', onStop, { once: true });
  if (options.signal?.aborted) onStop();
  arm();
  try {
    let response: OutboundResponse;
    try {
      response = await outboundGet(url, {
        signal: controller.signal,
        headers: { accept: 'application/json, application/octet-stream' },
      });
    } catch (err) {
      throw failure(err, controller, where, options);
    }
    const { body } = response;
    try {
      if (response.status < 200 || response.status > 299) {
        throw new UnavailableError(
          `${where} answered HTTP ${response.status} ${response.statusText} for ${options.what}.`,
        );
      }
      const announced = Number(response.headers['content-length'] ?? NaN);
      if (announced > options.maxBytes) throw new UnavailableError(tooLarge(where, options));
      // Pulled one chunk at a time, so a slow consumer (the store's disk) holds the download back.
      const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let total = 0;
      for (;;) {
        const { done, value } = await chunks.next().catch((err) => {
          throw failure(err, controller, where, options);
        });
        if (done) return;
        arm();
        total += value.byteLength;
        if (total > options.maxBytes) throw new UnavailableError(tooLarge(where, options));
        yield value;
      }
    } finally {
      body.destroy();
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onStop);
  }
}

/** Reads a whole JSON document of at most `maxBytes`; `bytes` is how much that took. */
export async function readRemoteJson(url: string, options: ReadOptions): Promise<{ json: unknown; bytes: number }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of remoteChunks(url, options)) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  try {
    return { json: JSON.parse(body.toString('utf8')), bytes: body.length };
  } catch {
    throw new UnavailableError(
      `${redactUrlCredentials(url)} did not answer with JSON for ${options.what}; is it an IMGAPI repository?`,
    );
  }
}

function tooLarge(where: string, options: ReadOptions): string {
  return `${where} sent more than ${formatBytes(options.maxBytes)} for ${options.what}; the portal stopped reading.`;
}

function failure(err: unknown, controller: AbortController, where: string, options: ReadOptions): unknown {
  const reason: unknown = controller.signal.reason;
  if (reason instanceof Silence) {
    return new UnavailableError(
      `${where} did not answer for ${options.timeoutMs / 1000} s while the portal read ${options.what}; it timed out.`,
    );
  }
  if (reason instanceof Stopped) return new UnavailableError(`Stopped on request while reading ${options.what}.`);
  // A refusal or a redirect loop says what happened in its own words.
  if (err instanceof UnavailableError) return err;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return new UnavailableError(`Could not read ${options.what} from ${where} (${errorMessage(err)}${cause}).`);
}
