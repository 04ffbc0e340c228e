import { z } from 'zod';
import { CONTAINER_FORMATS, DISK_FORMATS, IMAGE_CATEGORIES, OS_TYPES } from '@/lib/db/enums';
import { id, optionalInt, optionalText } from '@/lib/validation';

/** DESIGN §2: letters, digits, dots, dashes and underscores, starting with a letter or digit. */
export const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const IMAGE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$/;

const hex = (length: number, label: string) =>
  optionalText(
    z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `${label} is ${length} hexadecimal characters.`)),
  );

export const sourceUrlSchema = z
  .string()
  .trim()
  .max(2048, 'The URL is at most 2048 characters.')
  .pipe(z.url({ protocol: /^(https?|ftp)$/, hostname: z.regexes.hostname, error: 'Enter an http, https or ftp URL.' }));

/** Where an image's file comes from: nodes download it (url), or it is pushed from the portal's store. */
export const IMAGE_SOURCES = ['url', 'upload'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

export const createImageSchema = z
  .object({
    name: z.string().trim().regex(IMAGE_NAME, 'Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.'),
    alias: optionalText(z.string().regex(IMAGE_NAME, 'Use letters, digits, dots, dashes and underscores.')),
    version: z.string().trim().regex(IMAGE_VERSION, 'Use up to 32 letters, digits, dots, dashes, plus signs and underscores.'),
    description: optionalText(z.string().max(2000, 'The description is at most 2000 characters.')),
    osType: z.enum(OS_TYPES, 'Choose an OS type.'),
    category: z.enum(IMAGE_CATEGORIES, 'Choose a category.'),
    diskFormat: z.enum(DISK_FORMATS, 'Choose a disk format.'),
    containerFormat: z.enum(CONTAINER_FORMATS, 'Choose a container format.'),
    minDiskGb: optionalInt(0, 65_536, 'Minimum disk'),
    /** Callers from before uploads existed send no source: they mean a URL. */
    source: z.enum(IMAGE_SOURCES, 'Choose where the file comes from.').default('url'),
    /** Required for the url source; ignored for uploads, whose file lives in the store. */
    sourceUrl: optionalText(sourceUrlSchema),
    /** For uploads these are optional and, when given, the upload is verified against them. */
    sha256: hex(64, 'A SHA-256 checksum'),
    md5: hex(32, 'An MD5 checksum'),
    sizeBytes: optionalInt(1, Number.MAX_SAFE_INTEGER, 'Size'),
    /** Empty means a global image, managed by SuperAdmins. */
    dcBoundId: optionalText(z.uuid('Choose a data center.')),
  })
  .refine((v) => v.source !== 'url' || v.sourceUrl, {
    path: ['sourceUrl'],
    message: 'Enter an http, https or ftp URL.',
  })
  .refine((v) => v.source !== 'url' || v.sha256 || v.md5, {
    path: ['sha256'],
    message: 'Give the expected SHA-256 or MD5 checksum (at least one), so the install can be verified.',
  });

export type CreateImageInput = z.output<typeof createImageSchema>;

export const installImageSchema = z.object({ imageId: id, nodeId: z.uuid('Choose a node.') });
