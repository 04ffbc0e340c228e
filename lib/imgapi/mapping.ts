import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  type ContainerFormat,
  type DiskFormat,
  type ImageCategory,
  type OsType,
} from '@/lib/db/enums';

/**
 * How our image kinds translate to IMGAPI's `type` and `os` (manifest v2), both ways. Pure data and
 * functions, shared by the serving side (lib/imgapi/manifest.ts) and the import side.
 *
 * Serving, from our OS type and disk format:
 *
 * | our osType   | IMGAPI type  | IMGAPI os |
 * |--------------|--------------|-----------|
 * | linux        | zvol         | linux     |
 * | windows      | zvol         | windows   |
 * | bsd          | zvol         | bsd       |
 * | sunos        | zvol         | illumos   |
 * | sunos-zone   | zone-dataset | smartos   |
 * | linux-zone   | lx-dataset   | linux     |
 *
 * A disk format that is not a bootable disk (iso, aki kernel, ari ramdisk) is served as type `other`
 * whatever the OS type: an IMGAPI client must not provision a VM disk from it.
 *
 * IMGAPI has no disk or container format, so we carry ours in `tags` (`cbp:disk_format`,
 * `cbp:container_format`) for a portal importing from a portal. Danube Cloud's own tags `resize` and
 * `deploy` carry "resizable" and "shut down after deploy". Our plain tags become `tag: true`.
 *
 * Importing reverses the table; `illumos` and `smartos` VMs become `sunos`. Where a foreign
 * repository gives no format tags, the file is taken as `raw` in a `bare` container, which is what a
 * zvol image's file is. `docker` images are not disk images and are refused.
 */

export type ImgapiType = 'zvol' | 'zone-dataset' | 'lx-dataset' | 'other' | 'docker';

const SERVED_KIND: Record<OsType, { type: ImgapiType; os: string }> = {
  linux: { type: 'zvol', os: 'linux' },
  windows: { type: 'zvol', os: 'windows' },
  bsd: { type: 'zvol', os: 'bsd' },
  sunos: { type: 'zvol', os: 'illumos' },
  'sunos-zone': { type: 'zone-dataset', os: 'smartos' },
  'linux-zone': { type: 'lx-dataset', os: 'linux' },
};

const NOT_A_BOOT_DISK: readonly DiskFormat[] = ['iso', 'aki', 'ari'];

export const TAG_DISK_FORMAT = 'cbp:disk_format';
export const TAG_CONTAINER_FORMAT = 'cbp:container_format';
const TAG_RESIZE = 'resize';
const TAG_DEPLOY = 'deploy';
const RESERVED_TAGS = new Set([TAG_DISK_FORMAT, TAG_CONTAINER_FORMAT, TAG_RESIZE, TAG_DEPLOY]);

export function imgapiKindOf(image: { osType: OsType; diskFormat: DiskFormat }): { type: ImgapiType; os: string } {
  const kind = SERVED_KIND[image.osType];
  return NOT_A_BOOT_DISK.includes(image.diskFormat) ? { type: 'other', os: kind.os } : kind;
}

export type ImgapiTags = Record<string, string | number | boolean>;

export function imgapiTagsOf(image: {
  tags: readonly string[];
  diskFormat: DiskFormat;
  containerFormat: ContainerFormat;
  resizable: boolean;
  shutdownAfterDeploy: boolean;
}): ImgapiTags {
  const tags: ImgapiTags = Object.fromEntries(image.tags.map((tag) => [tag, true]));
  tags[TAG_DISK_FORMAT] = image.diskFormat;
  tags[TAG_CONTAINER_FORMAT] = image.containerFormat;
  tags[TAG_RESIZE] = image.resizable;
  tags[TAG_DEPLOY] = image.shutdownAfterDeploy;
  return tags;
}

/** The OS type an imported image gets; throws a message for kinds the portal cannot hold. */
export function osTypeFromImgapi(type: string, os: string): OsType {
  if (type === 'zone-dataset') return 'sunos-zone';
  if (type === 'lx-dataset') return 'linux-zone';
  if (type === 'docker')
    throw new Error('Docker images are container layers, not disk images; the portal cannot import them.');
  switch (os) {
    case 'windows':
      return 'windows';
    case 'bsd':
      return 'bsd';
    case 'illumos':
    case 'smartos':
      return 'sunos';
    default:
      return 'linux';
  }
}

export function categoryOf(osType: OsType): ImageCategory {
  if (osType === 'linux' || osType === 'linux-zone') return 'Linux';
  return osType === 'windows' ? 'Windows' : 'Other';
}

const TAG_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,31}$/;

/** Our formats, flags and plain tags back from a manifest's tags; unknown or foreign values fall back. */
export function attributesFromImgapiTags(tags: Record<string, unknown> | undefined, maxTags: number) {
  const t = tags ?? {};
  const diskFormat = (DISK_FORMATS as readonly unknown[]).includes(t[TAG_DISK_FORMAT])
    ? (t[TAG_DISK_FORMAT] as DiskFormat)
    : 'raw';
  const containerFormat = (CONTAINER_FORMATS as readonly unknown[]).includes(t[TAG_CONTAINER_FORMAT])
    ? (t[TAG_CONTAINER_FORMAT] as ContainerFormat)
    : 'bare';
  const plainTags = Object.entries(t)
    .filter(([key, value]) => value === true && !RESERVED_TAGS.has(key) && TAG_PATTERN.test(key))
    .map(([key]) => key)
    .slice(0, maxTags);
  return {
    diskFormat,
    containerFormat,
    resizable: t[TAG_RESIZE] !== false,
    shutdownAfterDeploy: t[TAG_DEPLOY] === true,
    tags: plainTags,
  };
}
