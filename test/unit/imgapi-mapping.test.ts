import { describe, expect, it } from 'vitest';
import { DISK_FORMATS, OS_TYPES, type DiskFormat, type OsType } from '@/lib/db/enums';
import { manifestOf, type ServableImage } from '@/lib/imgapi/manifest';
import {
  attributesFromImgapiTags,
  categoryOf,
  imgapiKindOf,
  imgapiTagsOf,
  osTypeFromImgapi,
} from '@/lib/imgapi/mapping';

/** The table in lib/imgapi/mapping.ts, written out again so that a change to it is a visible decision. */
const SERVED: Record<OsType, [type: string, os: string]> = {
  linux: ['zvol', 'linux'],
  windows: ['zvol', 'windows'],
  bsd: ['zvol', 'bsd'],
  sunos: ['zvol', 'illumos'],
  'sunos-zone': ['zone-dataset', 'smartos'],
  'linux-zone': ['lx-dataset', 'linux'],
};
const NOT_BOOTABLE: DiskFormat[] = ['iso', 'aki', 'ari'];

describe('imgapiKindOf', () => {
  it.each(OS_TYPES)('serves a %s disk image by the table', (osType) => {
    const [type, os] = SERVED[osType];
    for (const diskFormat of DISK_FORMATS.filter((f) => !NOT_BOOTABLE.includes(f))) {
      expect(imgapiKindOf({ osType, diskFormat })).toEqual({ type, os });
    }
  });

  it.each(NOT_BOOTABLE)('serves a %s file as type other, keeping the os', (diskFormat) => {
    for (const osType of OS_TYPES) {
      expect(imgapiKindOf({ osType, diskFormat })).toEqual({ type: 'other', os: SERVED[osType][1] });
    }
  });
});

describe('osTypeFromImgapi', () => {
  it('reverses the table; illumos and smartos VMs become sunos, unknown systems linux', () => {
    expect(osTypeFromImgapi('zvol', 'linux')).toBe('linux');
    expect(osTypeFromImgapi('zvol', 'windows')).toBe('windows');
    expect(osTypeFromImgapi('zvol', 'bsd')).toBe('bsd');
    expect(osTypeFromImgapi('zvol', 'illumos')).toBe('sunos');
    expect(osTypeFromImgapi('zvol', 'smartos')).toBe('sunos');
    expect(osTypeFromImgapi('zone-dataset', 'smartos')).toBe('sunos-zone');
    expect(osTypeFromImgapi('lx-dataset', 'linux')).toBe('linux-zone');
    expect(osTypeFromImgapi('other', 'plan9')).toBe('linux');
  });

  it('round-trips every served OS type of a bootable disk', () => {
    for (const osType of OS_TYPES) {
      const { type, os } = imgapiKindOf({ osType, diskFormat: 'raw' });
      expect(osTypeFromImgapi(type, os)).toBe(osType);
    }
  });

  it('refuses docker images with a message', () => {
    expect(() => osTypeFromImgapi('docker', 'linux')).toThrow(/Docker images are container layers/);
  });

  it('gives each OS type its category', () => {
    expect(OS_TYPES.map(categoryOf)).toEqual(['Linux', 'Windows', 'Other', 'Other', 'Other', 'Linux']);
  });
});

describe('IMGAPI tags', () => {
  const image = {
    tags: ['lts', 'web'],
    diskFormat: 'qcow2',
    containerFormat: 'ovf',
    resizable: false,
    shutdownAfterDeploy: true,
  } as const;

  it('carry our formats, flags and plain tags', () => {
    expect(imgapiTagsOf(image)).toEqual({
      lts: true,
      web: true,
      'cbp:disk_format': 'qcow2',
      'cbp:container_format': 'ovf',
      resize: false,
      deploy: true,
    });
  });

  it('round-trip through attributesFromImgapiTags', () => {
    expect(attributesFromImgapiTags(imgapiTagsOf(image), 16)).toEqual({ ...image, tags: ['lts', 'web'] });
  });

  it('fall back for foreign or missing values, drop unusable tags and cap their number', () => {
    expect(attributesFromImgapiTags(undefined, 16)).toEqual({
      diskFormat: 'raw',
      containerFormat: 'bare',
      resizable: true,
      shutdownAfterDeploy: false,
      tags: [],
    });
    const foreign = { 'cbp:disk_format': 'exe', role: 'db', 'Has Space': true, a: true, b: true, c: true };
    expect(attributesFromImgapiTags(foreign, 2)).toMatchObject({ diskFormat: 'raw', tags: ['a', 'b'] });
  });
});

describe('manifestOf', () => {
  const base = {
    id: '6f1f7c52-5b6e-4d7e-9a51-0c4a3f3a9b01',
    name: 'ubuntu-24.04',
    version: '20240601',
    description: 'Ubuntu',
    osType: 'linux',
    diskFormat: 'raw',
    containerFormat: 'bare',
    tags: ['lts'],
    resizable: true,
    shutdownAfterDeploy: false,
    ownerId: null,
    minRamMb: 1024,
    bootType: 'uefi',
    sha1: 'a'.repeat(40),
    sizeBytes: 3 * 1024 * 1024 + 1,
    virtualSizeBytes: 10 * 1024 * 1024 * 1024,
    createdAt: new Date('2024-06-01T12:00:00.123Z'),
  } as unknown as ServableImage;

  it('is a v2 manifest of an active public image with one uncompressed file', () => {
    expect(manifestOf(base)).toEqual({
      v: 2,
      uuid: base.id,
      owner: '00000000-0000-0000-0000-000000000000',
      name: 'ubuntu-24.04',
      version: '20240601',
      description: 'Ubuntu',
      state: 'active',
      disabled: false,
      public: true,
      published_at: '2024-06-01T12:00:00.123Z',
      type: 'zvol',
      os: 'linux',
      files: [{ sha1: 'a'.repeat(40), size: 3 * 1024 * 1024 + 1, compression: 'none' }],
      requirements: { min_ram: 1024, bootrom: 'uefi' },
      tags: { lts: true, 'cbp:disk_format': 'raw', 'cbp:container_format': 'bare', resize: true, deploy: false },
      image_size: 10 * 1024,
    });
  });

  it('gives image_size in MiB, rounded up, only for zvol images; the file size when the virtual size is unknown', () => {
    expect(manifestOf({ ...base, virtualSizeBytes: null }).image_size).toBe(4);
    expect(manifestOf({ ...base, osType: 'linux-zone' })).not.toHaveProperty('image_size');
    expect(manifestOf({ ...base, diskFormat: 'iso' })).not.toHaveProperty('image_size');
  });

  it('names min_ram only when there is one, bootrom only for zvol, and the owner when there is one', () => {
    const zone = manifestOf({ ...base, osType: 'sunos-zone', minRamMb: 0, ownerId: 'u-1' } as ServableImage);
    expect(zone.requirements).toEqual({});
    expect(zone.owner).toBe('u-1');
  });
});
