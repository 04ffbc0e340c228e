import { z } from 'zod';
import { id, requiredInt } from '@/lib/validation';

export const SIZE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** "20, 100" or [20, 100]: the disks of a size, in GB, at least one and at most eight. */
const diskList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v),
  z
    .array(
      z.coerce
        .number()
        .int('Disk sizes are whole GB.')
        .min(1, 'A disk is at least 1 GB.')
        .max(65_536, 'A disk is at most 65536 GB.'),
      {
        error: 'List the disk sizes in GB, e.g. 20, 100.',
      },
    )
    .min(1, 'A size has at least one disk, e.g. 20.')
    .max(8, 'A size has at most 8 disks.'),
);

export const createSizeSchema = z.object({
  name: z
    .string()
    .trim()
    .regex(SIZE_NAME, 'Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.'),
  vcpus: requiredInt(1, 1024, 'vCPUs'),
  memoryMb: requiredInt(64, 16 * 1024 * 1024, 'Memory (MB)'),
  diskGb: diskList,
});

export const deleteSizesSchema = z.object({
  sizeIds: z.preprocess(
    (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]),
    z.array(id).min(1, 'Choose at least one size to delete.'),
  ),
});
