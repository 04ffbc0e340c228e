import path from 'node:path';
import { z } from 'zod';

/**
 * Where uploaded and imported image files live: a directory of this host (the default, `images/`
 * in the data directory), or a bucket of S3-compatible object storage that every host reaches
 * (`PORTAL_STORE=s3://bucket/prefix`), so that web processes and workers on several hosts share it.
 */
export type StoreLocation =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      /** Empty, or ending in `/`: object keys are `<prefix><store file>`. */
      prefix: string;
      endpoint?: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

export const storeEnvSchema = z.object({
  /** `s3://bucket/prefix` for S3-compatible object storage; unset: `images/` in the data directory. */
  PORTAL_STORE: z.string().min(1).optional(),
  /** The S3 server, for anything but AWS itself (MinIO, Ceph, a cloud's own); unset: AWS in the region. */
  PORTAL_STORE_S3_ENDPOINT: z.url().optional(),
  PORTAL_STORE_S3_REGION: z.string().min(1).default('us-east-1'),
  PORTAL_STORE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PORTAL_STORE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Bucket in the path rather than the host name; most servers other than AWS want it, so it is the default with an endpoint. */
  PORTAL_STORE_S3_PATH_STYLE: z.stringbool().optional(),
});

/** The store the settings name; throws a message naming the setting at fault. */
export function storeLocation(env: z.infer<typeof storeEnvSchema>, dataDir: string): StoreLocation {
  if (!env.PORTAL_STORE) return { kind: 'local', dir: path.join(dataDir, 'images') };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(env.PORTAL_STORE);
  if (!match) throw new Error(`PORTAL_STORE must be s3://bucket or s3://bucket/prefix, not "${env.PORTAL_STORE}".`);
  const accessKeyId = env.PORTAL_STORE_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.PORTAL_STORE_S3_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new Error(
      'PORTAL_STORE names an S3 bucket: set PORTAL_STORE_S3_ACCESS_KEY_ID and PORTAL_STORE_S3_SECRET_ACCESS_KEY too.',
    );
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return {
    kind: 's3',
    bucket: match[1]!,
    prefix: prefix ? `${prefix}/` : '',
    endpoint: env.PORTAL_STORE_S3_ENDPOINT?.replace(/\/+$/, ''),
    region: env.PORTAL_STORE_S3_REGION,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: env.PORTAL_STORE_S3_PATH_STYLE ?? Boolean(env.PORTAL_STORE_S3_ENDPOINT),
  };
}
