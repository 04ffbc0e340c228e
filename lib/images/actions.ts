'use server';

import { serverAction } from '@/lib/actions/server-action';
import { createImage } from './operations';

export const createImageAction = serverAction(createImage, {
  revalidate: () => ['/images'],
  redirectTo: (r) => `/images/${r.id}`,
});
