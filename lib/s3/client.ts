import 'server-only';
import type http from 'node:http';
import type https from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The one way the portal makes an S3 client, for the image store's bucket and for publishing to a
 * cloud account's: the same timeouts and retries everywhere. Callers bring their agents, since
 * which addresses they may reach differs (lib/net/guarded-agents.ts).
 */

// A connection that cannot open in this time will not; an idle socket this long is a dead one.
const CONNECT_TIMEOUT_MS = 15_000;
const IDLE_TIMEOUT_MS = 120_000;

export type S3Endpoint = {
  region: string;
  /** Unset means AWS itself. */
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
};

export function newS3Client(
  where: S3Endpoint,
  agents: { httpAgent: http.Agent; httpsAgent: https.Agent },
  logger?: S3ClientConfig['logger'],
): S3Client {
  return new S3Client({
    region: where.region,
    endpoint: where.endpoint,
    forcePathStyle: where.forcePathStyle,
    credentials: { accessKeyId: where.accessKeyId, secretAccessKey: where.secretAccessKey },
    requestHandler: new NodeHttpHandler({
      ...agents,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: IDLE_TIMEOUT_MS,
    }),
    // The SDK retries throttles, 5xx and resets itself; a body that is a stream is retried by its caller.
    maxAttempts: 3,
    ...(logger ? { logger } : {}),
  });
}
