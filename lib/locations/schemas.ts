import { z } from 'zod';
import { checkbox, optionalText } from '@/lib/validation';

export const DATA_CENTER_CODE = /^[a-z0-9][a-z0-9-]{1,31}$/;

export const createDataCenterSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(DATA_CENTER_CODE, 'Use 2 to 32 lowercase letters, digits and dashes, starting with a letter or digit.'),
  name: z.string().trim().min(1, 'Name is required.').max(100, 'Name is at most 100 characters.'),
  description: optionalText(z.string().max(1000, 'Description is at most 1000 characters.')),
});

export const renameDataCenterSchema = z.object({
  dataCenterId: z.uuid('Not a valid id.'),
  name: z.string().trim().min(1, 'Name is required.').max(100, 'Name is at most 100 characters.'),
});

/** Whether installs to several nodes of the data center copy the image between them (relayed installs). */
export const relayInstallsSchema = z.object({
  dataCenterId: z.uuid('Not a valid id.'),
  relayInstalls: checkbox,
});

/** A match of the Attach image search (a combobox option): the image's id, its label, and its name for notices. */
export type AttachOption = { value: string; label: string; name: string };
