/**
 * Triton's own IMGAPI client (npm sdc-clients, lib/imgapi.js), promisified, for tests that check
 * the portal's IMGAPI against a client it did not write. It is CommonJS with callbacks.
 */
import { createRequire } from 'node:module';
import type { ImgapiManifest } from '@/lib/imgapi/manifest';

type Callback<T> = (err: Error | null, result: T) => void;
type RawClient = {
  listImages(filters: Record<string, unknown>, callback: Callback<ImgapiManifest[]>): void;
  getImage(uuid: string, callback: Callback<ImgapiManifest>): void;
  getImageFile(uuid: string, filePath: string, callback: Callback<unknown>): void;
  ping(callback: Callback<unknown>): void;
  close(): void;
};

const require = createRequire(import.meta.url);
const IMGAPI = require('sdc-clients/lib/imgapi') as new (options: { url: string; agent: false }) => RawClient;

export type SdcImgapiClient = ReturnType<typeof sdcImgapiClient>;

export function sdcImgapiClient(url: string) {
  // agent: false, so that no keep-alive socket outlives the test's server.
  const raw = new IMGAPI({ url, agent: false });
  const call = <T>(fn: (callback: Callback<T>) => void) =>
    new Promise<T>((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
  return {
    /** Without `limit`, the client pages through everything with `marker` itself. */
    listImages: (filters: Record<string, unknown>) =>
      call<ImgapiManifest[]>((cb) => raw.listImages({ ...filters }, cb)),
    getImage: (uuid: string) => call<ImgapiManifest>((cb) => raw.getImage(uuid, cb)),
    /** Rejects when the body's MD5 differs from the response's Content-MD5. */
    getImageFile: (uuid: string, filePath: string) => call<unknown>((cb) => raw.getImageFile(uuid, filePath, cb)),
    ping: () => call<unknown>((cb) => raw.ping(cb)),
    close: () => raw.close(),
  };
}
