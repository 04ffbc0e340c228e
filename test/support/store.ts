import { getConfig } from '@/lib/config';
import { imageStore } from '@/lib/store/image-store';
import { LocalImageStore } from '@/lib/store/local-store';
import type { S3Server } from '@/scripts/lib/services/s3-server';

/** The directory of the local image store, the default; a test that reads it runs without PORTAL_STORE. */
export function localStoreDir(): string {
  const { store } = getConfig();
  if (store.kind !== 'local') throw new Error('This test reads the local image store; PORTAL_STORE names another.');
  return store.dir;
}

/** The path of a file in the local image store (checked as the store checks every name). */
export function localStorePath(name: string): string {
  const store = imageStore();
  if (!(store instanceof LocalImageStore))
    throw new Error('This test reads the local image store; PORTAL_STORE names another.');
  return store.pathOf(name);
}

/**
 * Points this process's image store (and that of the processes it starts, which inherit the
 * environment) at `s3://bucket/prefix` on the test's S3 server; `forgetS3Store` puts it back.
 */
export function useS3Store(s3: S3Server, bucket: string, prefix: string): void {
  Object.assign(process.env, {
    PORTAL_STORE: `s3://${bucket}/${prefix}`,
    PORTAL_STORE_S3_ENDPOINT: s3.endpoint,
    PORTAL_STORE_S3_REGION: s3.region,
    PORTAL_STORE_S3_ACCESS_KEY_ID: s3.accessKeyId,
    PORTAL_STORE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
}

export function forgetS3Store(): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('PORTAL_STORE')) delete process.env[name];
}
