import { z } from 'zod';
import { checkbox, id } from '@/lib/validation';

export const syncImagesSchema = z.object({ dataCenterId: id, verify: checkbox });
export const syncSizesSchema = z.object({ dataCenterId: id });
