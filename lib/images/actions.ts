'use server';

import { serverAction } from '@/lib/actions/server-action';
import { setImageAttachment } from './attachment';
import { updateImage } from './edit';
import { changeImageLifecycle } from './lifecycle';
import { createImage } from './operations';
import { purgeImage } from './purge';

const revalidate = () => ['/images'];
const createAndShow = serverAction(createImage, { revalidate, redirectTo: (r) => `/images/${r.id}` });
// The browser still has to push the file, so it needs the new id back rather than a redirect.
const createAndAwaitUpload = serverAction(createImage, { revalidate });

export async function createImageAction(prev: unknown, input: FormData | Record<string, unknown>) {
  const source = input instanceof FormData ? input.get('source') : input.source;
  return source === 'upload' ? createAndAwaitUpload(prev, input) : createAndShow(prev, input);
}

export const changeImageLifecycleAction = serverAction(changeImageLifecycle, {
  revalidate: (r) => ['/images', `/images/${r.imageId}`],
});

export const setImageAttachmentAction = serverAction(setImageAttachment, {
  revalidate: (r) => ['/images', `/images/${r.imageId}`, `/locations/${r.dataCenterId}`],
});

export const updateImageAction = serverAction(updateImage, {
  revalidate: (r) => ['/images', `/images/${r.imageId}`],
  redirectTo: (r) => `/images/${r.imageId}`,
});

/** Gone at once when no node had it: back to the list. Otherwise its page shows the uninstalls. */
export const purgeImageAction = serverAction(purgeImage, {
  revalidate: (r) => ['/images', `/images/${r.imageId}`],
  redirectTo: (r) => (r.removed ? '/images' : `/images/${r.imageId}`),
});
