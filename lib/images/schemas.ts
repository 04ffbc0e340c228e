import { z } from 'zod';
import { BOOT_TYPES, CONTAINER_FORMATS, DISK_FORMATS, IMAGE_CATEGORIES, OS_TYPES } from '@/lib/db/enums';
import { checkbox, id, optionalInt, optionalText, plainUrlText, URL_TEXT_ERROR } from '@/lib/validation';

/** An image name: letters, digits, dots, dashes and underscores, starting with a letter or digit. */
export const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const IMAGE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$/;
const TAG = /^[a-z0-9][a-z0-9._:-]{0,31}$/;
export const MAX_TAGS = 20;

const hex = (length: number, label: string) =>
  optionalText(
    z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `${label} is ${length} hexadecimal characters.`)),
  );

const webUrl = (protocols: RegExp, error: string) =>
  z
    .string()
    .trim()
    .max(2048, 'The URL is at most 2048 characters.')
    .pipe(z.url({ protocol: protocols, hostname: z.regexes.hostname, error }))
    // A URL parser takes a space in the path (and encodes it); the text stored and shown must not have one.
    .refine(plainUrlText, URL_TEXT_ERROR);

export const sourceUrlSchema = webUrl(/^(https?|ftp)$/, 'Enter an http, https or ftp URL.');
/** The portal fetches checksum lists itself, over http or https only. */
const checksumUrlSchema = webUrl(/^https?$/, 'Enter the http or https URL of a SHA256SUMS or MD5SUMS file.');

/** Tags arrive as one text field ("ubuntu, lts server") or, from scripts, as a list. */
const tagsSchema = z.preprocess(
  (v) => {
    const list = typeof v === 'string' ? v.split(/[\s,]+/) : Array.isArray(v) ? v : v === undefined ? [] : v;
    return Array.isArray(list) ? [...new Set(list.map((t) => String(t).trim().toLowerCase()).filter(Boolean))] : list;
  },
  z
    .array(z.string().regex(TAG, 'A tag is 1 to 32 lowercase letters, digits, dots, colons, dashes or underscores.'))
    .max(MAX_TAGS, `At most ${MAX_TAGS} tags.`),
);

/** Where an image's file comes from: nodes download it (url), or it is pushed from the portal's store. */
export const IMAGE_SOURCES = ['url', 'upload'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

/**
 * What describes an image and may change at any time: identity, kind, format, the
 * partition image's kernel and ramdisk, requirements, behaviour and tags. Create and edit share it.
 */
const attributeFields = {
  name: z
    .string()
    .trim()
    .regex(IMAGE_NAME, 'Use 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit.'),
  alias: optionalText(z.string().regex(IMAGE_NAME, 'Use letters, digits, dots, dashes and underscores.')),
  version: z
    .string()
    .trim()
    .regex(IMAGE_VERSION, 'Use up to 32 letters, digits, dots, dashes, plus signs and underscores.'),
  description: optionalText(z.string().max(2000, 'The description is at most 2000 characters.')),
  osType: z.enum(OS_TYPES, 'Choose an OS type.'),
  category: z.enum(IMAGE_CATEGORIES, 'Choose a category.'),
  diskFormat: z.enum(DISK_FORMATS, 'Choose a disk format.'),
  containerFormat: z.enum(CONTAINER_FORMATS, 'Choose a container format.'),
  /** Only partition images have these; see lib/images/format-rules.ts. */
  kernelImageId: optionalText(z.uuid('Choose a kernel image.')),
  ramdiskImageId: optionalText(z.uuid('Choose a ramdisk image.')),
  minDiskGb: optionalInt(0, 65_536, 'Minimum disk'),
  minRamMb: optionalInt(0, 16_777_216, 'Minimum RAM'),
  bootType: z.enum(BOOT_TYPES, 'Choose BIOS or UEFI.').default('bios'),
  resizable: checkbox,
  shutdownAfterDeploy: checkbox,
  tags: tagsSchema,
};

/**
 * What the file is: its source and the checksums and size every install is verified against. Once a
 * file exists these are fixed (lib/images/edit.ts). A checksum may instead be given as the URL of a
 * SHA256SUMS or MD5SUMS list, which the server reads (lib/images/checksum-url.ts).
 */
const fileFields = {
  sourceUrl: optionalText(sourceUrlSchema),
  sha256: hex(64, 'A SHA-256 checksum'),
  md5: hex(32, 'An MD5 checksum'),
  checksumUrl: optionalText(checksumUrlSchema),
  sizeBytes: optionalInt(1, Number.MAX_SAFE_INTEGER, 'Size'),
};

type FileFields = { sha256?: string; md5?: string; checksumUrl?: string };
const noChecksumTwice = (v: FileFields) => !(v.checksumUrl && (v.sha256 || v.md5));
const checksumTwice = { path: ['checksumUrl'], message: 'Give the checksum either as a value or as a URL, not both.' };

/** The field the create form shows, with its checkbox, when the portal cannot reach the URL. */
export const SKIP_CHECK_FIELD = 'skipUrlCheck';

export const createImageSchema = z
  .object({
    ...attributeFields,
    ...fileFields,
    /** Callers from before uploads existed send no source: they mean a URL. */
    source: z.enum(IMAGE_SOURCES, 'Choose where the file comes from.').default('url'),
    /** The chosen file's name, so a checksum list can be searched for it before the upload starts. */
    uploadFileName: optionalText(z.string().max(255)),
    /** Empty means a global image, managed by SuperAdmins. */
    dcBoundId: optionalText(z.uuid('Choose a data center.')),
    /** Who sees it: private (the default, as in Glance) or public. */
    access: z.enum(['private', 'public'], 'Choose private or public.').default('private'),
    protected: checkbox,
    /** Save a URL image although the portal could not reach the URL (only the nodes may). */
    skipUrlCheck: checkbox,
  })
  .refine((v) => v.source !== 'url' || v.sourceUrl, {
    path: ['sourceUrl'],
    message: 'Enter an http, https or ftp URL.',
  })
  .refine((v) => v.source !== 'url' || v.sha256 || v.md5 || v.checksumUrl, {
    path: ['sha256'],
    message:
      'Give the expected SHA-256 or MD5 checksum, or the URL of a checksums file, so every install can be verified.',
  })
  .refine(noChecksumTwice, checksumTwice);

export type CreateImageInput = z.output<typeof createImageSchema>;

/**
 * An edit replaces every attribute. The file's fields may be left out: then they stay as they are;
 * while the image has no file yet they can be changed, afterwards the server refuses any change.
 */
export const updateImageSchema = z
  .object({ imageId: id, ...attributeFields, ...fileFields })
  .refine(noChecksumTwice, checksumTwice);

export type UpdateImageInput = z.output<typeof updateImageSchema>;
export type ImageAttributes = Omit<UpdateImageInput, 'imageId' | keyof typeof fileFields>;

/** The fields a file fixes: what installs were verified against must not change under them. */
export const FILE_BOUND_FIELDS = ['sourceUrl', 'sha256', 'md5', 'sizeBytes', 'diskFormat'] as const;

export const installImageSchema = z.object({ imageId: id, nodeId: z.uuid('Choose a node.') });
