import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { assertOutboundUrl, guardedAgents } from '@/lib/net/guarded-agents';
import { CloudError } from '@/lib/publish/target';
import { networkFailure, type OpenstackService } from './openstack-errors';

/**
 * One HTTP request to Keystone or Glance through the guarded agents: the URL's host is checked
 * before connecting (IP literals) and inside the DNS lookup (names), so a catalogue cannot point the
 * portal into its own network. No redirects are followed; no official JS client exists to do it for us.
 */

export type OpenstackAgents = ReturnType<typeof guardedAgents>;

export type OpenstackRequest = {
  service: OpenstackService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** A JSON body, sent with `contentType` (application/json unless said). */
  json?: unknown;
  contentType?: string;
  /**
   * A body streamed as read, with backpressure: memory stays flat whatever its size. Opened only
   * once the request is under way, so a refusal leaves no file open; `onSent` counts the bytes
   * handed to the socket.
   */
  stream?: { open: () => Readable; length: number; onSent?: (bytes: number) => void };
  signal: AbortSignal;
  /** Fails the request when the connection is idle this long. */
  idleTimeoutMs?: number;
};

export type OpenstackResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

// A catalogue or an image listing is kilobytes; anything far larger is not an OpenStack answer.
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export async function openstackRequest(agents: OpenstackAgents, r: OpenstackRequest): Promise<OpenstackResponse> {
  r.signal.throwIfAborted();
  const url = assertOutboundUrl(r.url);
  const payload = r.json === undefined ? undefined : Buffer.from(JSON.stringify(r.json));
  const headers: Record<string, string | number> = { accept: 'application/json', ...r.headers };
  if (payload)
    Object.assign(headers, { 'content-type': r.contentType ?? 'application/json', 'content-length': payload.length });
  if (r.stream)
    Object.assign(headers, { 'content-type': 'application/octet-stream', 'content-length': r.stream.length });

  return new Promise<OpenstackResponse>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      r.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (err: unknown) => settle(() => reject(networkFailure(err, r.service, url)));
    const body = r.stream?.open();
    const onAbort = () => {
      req.destroy();
      body?.destroy();
      settle(() => reject(r.signal.reason));
    };

    const request = url.protocol === 'https:' ? https.request : http.request;
    const req = request(
      url,
      {
        method: r.method,
        headers,
        agent: url.protocol === 'https:' ? agents.httpsAgent : agents.httpAgent,
        timeout: r.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy();
            const where = `${r.service} at ${url.host}`;
            settle(() => reject(new CloudError('other', `${where} sent an answer larger than 8 MiB.`)));
          } else chunks.push(chunk);
        });
        res.on('end', () => {
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          // A server may answer (401, 413) before it read the whole body: the answer is what counts,
          // and the rest of the file is not sent.
          if (body && !req.writableFinished) {
            body.destroy();
            req.destroy();
          }
        });
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => {
      body?.destroy();
      fail(err);
    });
    r.signal.addEventListener('abort', onAbort, { once: true });

    if (body) {
      let sent = 0;
      const onSent = r.stream?.onSent;
      if (onSent) body.on('data', (chunk: Buffer) => onSent((sent += chunk.length)));
      body.on('error', (err) => {
        req.destroy();
        settle(() => reject(err));
      });
      body.pipe(req);
    } else req.end(payload);
  });
}
