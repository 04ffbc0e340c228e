import { z } from 'zod';
import type { images } from '@/lib/db/tables';
import { imgapiKindOf, imgapiTagsOf, type ImgapiTags, type ImgapiType } from './mapping';

/**
 * IMGAPI image manifests, version 2 (https://github.com/TritonDataCenter/sdc-imgapi/blob/master/docs/index.md):
 * the one we serve for an image, and the schema a remote one must pass before the portal uses it.
 */

export type ImgapiFile = { sha1: string; size: number; compression: 'none' | 'gzip' | 'bzip2' | 'xz' };

export type ImgapiManifest = {
  v: 2;
  uuid: string;
  owner: string;
  name: string;
  version: string;
  description: string;
  state: 'active';
  disabled: false;
  public: true;
  published_at: string;
  type: ImgapiType;
  os: string;
  files: ImgapiFile[];
  requirements: { min_ram?: number; bootrom?: 'bios' | 'uefi' };
  tags: ImgapiTags;
  /** MiB, for zvol images: the size of the virtual disk. */
  image_size?: number;
};

/** IMGAPI's owner when nobody in particular owns an image. */
const NOBODY = '00000000-0000-0000-0000-000000000000';
const MIB = 1024 * 1024;

/** An image the portal serves: public, ok, with a hashed file in its store (lib/imgapi/served.ts). */
export type ServableImage = typeof images.$inferSelect & { sizeBytes: number; sha1: string };

export function manifestOf(image: ServableImage): ImgapiManifest {
  const { type, os } = imgapiKindOf(image);
  const requirements: ImgapiManifest['requirements'] = {};
  if (image.minRamMb > 0) requirements.min_ram = image.minRamMb;
  if (type === 'zvol') requirements.bootrom = image.bootType;
  const manifest: ImgapiManifest = {
    v: 2,
    uuid: image.id,
    owner: image.ownerId ?? NOBODY,
    name: image.name,
    version: image.version,
    description: image.description,
    state: 'active',
    disabled: false,
    public: true,
    published_at: image.createdAt.toISOString(),
    type,
    os,
    // The store keeps files uncompressed, so that nodes can use them as they are.
    files: [{ sha1: image.sha1, size: image.sizeBytes, compression: 'none' }],
    requirements,
    tags: imgapiTagsOf(image),
  };
  if (type === 'zvol') manifest.image_size = Math.ceil((image.virtualSizeBytes ?? image.sizeBytes) / MIB);
  return manifest;
}

const hexSha1 = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{40}$/, 'files[0].sha1 is not a SHA-1 checksum'));

const remoteFileSchema = z.looseObject({
  sha1: hexSha1,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  compression: z.string().default('none'),
});

/**
 * What the portal needs from a remote manifest, checked before it is shown or imported. Unknown
 * fields pass through untouched; a listing entry that fails is skipped, not fatal (lib/imgapi/remote-list.ts).
 */
export const remoteManifestSchema = z.looseObject({
  v: z.coerce.number().optional(),
  uuid: z.uuid('uuid is not a UUID'),
  name: z.string().min(1).max(512),
  version: z.string().min(1).max(128),
  description: z.string().max(10_000).optional(),
  state: z.string().optional(),
  disabled: z.boolean().optional(),
  public: z.boolean().optional(),
  published_at: z.string().optional(),
  type: z.string().default('other'),
  os: z.string().default('other'),
  // A tuple with a rest element, so that files[0] is known to exist.
  files: z.tuple([remoteFileSchema], remoteFileSchema, 'the manifest lists no file'),
  requirements: z
    .looseObject({ min_ram: z.number().int().min(0).optional(), bootrom: z.string().optional() })
    .optional(),
  tags: z.record(z.string(), z.unknown()).optional().catch(undefined),
  image_size: z.number().min(0).optional(),
});

export type RemoteManifest = z.output<typeof remoteManifestSchema>;
