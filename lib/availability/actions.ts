'use server';

import { serverAction } from '@/lib/actions/server-action';
import { applyImageAvailability } from './operations';

export const applyImageAvailabilityAction = serverAction(applyImageAvailability, {
  revalidate: (r) => [`/images/${r.imageId}`, `/images/${r.imageId}/availability`, '/jobs'],
});
