import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { StoreLocation } from '@/lib/store/location';

export type S3StoreLocation = Extract<StoreLocation, { kind: 's3' }>;

// A connection that cannot open in this time will not; an idle socket this long is a dead one.
const CONNECT_TIMEOUT_MS = 15_000;
const IDLE_TIMEOUT_MS = 120_000;

/**
 * The client of the image store's bucket. The operator names the endpoint in the environment, so it
 * is not held to the outbound rule that guards addresses users type (lib/net/guarded-agents.ts).
 * Sockets are kept alive: a push reads a file as a run of ranged GETs.
 */
export function s3StoreClient(location: S3StoreLocation): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  return new S3Client({
    region: location.region,
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    credentials: { accessKeyId: location.accessKeyId, secretAccessKey: location.secretAccessKey },
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: IDLE_TIMEOUT_MS,
    }),
    maxAttempts: 3,
  });
}

/** Whether the SDK's error says the object (or the multipart upload) is not there. */
export function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NoSuchUpload' ||
    e?.$metadata?.httpStatusCode === 404
  );
}
