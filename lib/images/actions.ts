'use server';

import { serverAction } from '@/lib/actions/server-action';
import { setImageAttachment } from './attachment';
import { changeImageLifecycle } from './lifecycle';
import { createImage } from './operations';

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
