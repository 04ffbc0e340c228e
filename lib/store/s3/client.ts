import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import { newS3Client } from '@/lib/s3/client';
import type { StoreLocation } from '@/lib/store/location';

export type S3StoreLocation = Extract<StoreLocation, { kind: 's3' }>;

/**
 * The client of the image store's bucket. The operator names the endpoint in the environment, so it
 * is not held to the outbound rule that guards addresses users type (lib/net/guarded-agents.ts).
 * Sockets are kept alive: a push reads a file as a run of ranged GETs.
 */
export function s3StoreClient(location: S3StoreLocation): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  return newS3Client(location, {
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
  });
}
