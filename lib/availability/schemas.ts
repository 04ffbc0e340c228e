import { z } from 'zod';
import { id } from '@/lib/validation';

/** A form sends one value for one checkbox and none for none; both mean a list here. */
const idList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(id).max(1000),
);

/**
 * Apply on the Image Availability page. `shown` lists the nodes to act on (the page sends the ones
 * the user changed; every other node stays as it is); `available` lists those of them checked.
 */
export const applyAvailabilitySchema = z
  .object({ imageId: id, shown: idList, available: idList })
  .refine((v) => v.available.every((n) => v.shown.includes(n)), {
    message: 'A checked node was not on the page.',
    path: ['available'],
  });

export type ApplyAvailabilityInput = z.output<typeof applyAvailabilitySchema>;
