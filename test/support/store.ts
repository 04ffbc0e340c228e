import { getConfig } from '@/lib/config';
import { imageStore } from '@/lib/store/image-store';
import { LocalImageStore } from '@/lib/store/local-store';

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
