import 'server-only';
import { z } from 'zod';
import {
  ACCESS_LEVELS,
  BOOT_TYPES,
  CONTAINER_FORMATS,
  DISK_FORMATS,
  IMAGE_CATEGORIES,
  IMAGE_STATUSES,
  JOB_STATUSES,
  NODE_IMAGE_STATES,
  NODE_STATUSES,
  OS_TYPES,
} from '@/lib/db/enums';
import { redactUrlCredentials } from '@/lib/format';
import type { ImageRow } from '@/lib/images/queries';
import { bytes, count, named, timestamp } from './registry';

/** What the API shows of an image: credentials in a source URL stay on the server, as in the UI. */
export function imageView(image: ImageRow) {
  const { storeFile, sourceUrl, ...rest } = image;
  return { ...rest, sourceUrl: sourceUrl && redactUrlCredentials(sourceUrl), inPortalStore: Boolean(storeFile) };
}

export const image = named(
  'Image',
  z.object({
    id: z.string(),
    name: z.string(),
    alias: z.string().nullable(),
    version: z.string(),
    description: z.string(),
    osType: z.enum(OS_TYPES),
    category: z.enum(IMAGE_CATEGORIES),
    access: z.enum(ACCESS_LEVELS),
    status: z.enum(IMAGE_STATUSES),
    protected: z.boolean(),
    ownerId: z.string().nullable(),
    dcBoundId: z.string().nullable().describe('The data center the image is bound to; null for a global image'),
    diskFormat: z.enum(DISK_FORMATS),
    containerFormat: z.enum(CONTAINER_FORMATS),
    kernelImageId: z.string().nullable(),
    ramdiskImageId: z.string().nullable(),
    minDiskGb: count,
    minRamMb: count,
    bootType: z.enum(BOOT_TYPES),
    resizable: z.boolean(),
    shutdownAfterDeploy: z.boolean(),
    tags: z.array(z.string()),
    sourceUrl: z.string().nullable().describe('The URL nodes download from, without any credentials in it'),
    inPortalStore: z.boolean().describe('The file is in the portal’s image store (uploaded or imported)'),
    sizeBytes: bytes.nullable(),
    virtualSizeBytes: bytes.nullable(),
    sha256: z.string().nullable(),
    md5: z.string().nullable(),
    sha1: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    purgeRequestedAt: timestamp.nullable(),
  }),
  'An image with every attribute',
);

export const imageWithAttachments = named(
  'ImageWithAttachments',
  z.object({ image, attachedDataCenterIds: z.array(z.string()) }),
);

export const imagePage = named(
  'ImagePage',
  z.object({
    rows: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        alias: z.string().nullable(),
        version: z.string(),
        osType: z.enum(OS_TYPES),
        diskFormat: z.enum(DISK_FORMATS),
        containerFormat: z.enum(CONTAINER_FORMATS),
        sizeBytes: bytes.nullable(),
        status: z.enum(IMAGE_STATUSES),
        access: z.enum(ACCESS_LEVELS),
        dcBoundId: z.string().nullable(),
        createdAt: timestamp,
        installedNodes: count,
        attachableOnly: z
          .literal(true)
          .optional()
          .describe('Listed only because the caller may attach it to their data centers'),
      }),
    ),
    total: count,
    page: count,
    pageSize: count,
    pageCount: count,
    aliasCounts: z.record(z.string(), count),
  }),
  'One page of images; with group=alias, aliasCounts says how many images of each alias match',
);

export const imageAvailability = named(
  'ImageAvailability',
  z.object({
    imageId: z.string(),
    imageName: z.string(),
    groups: z.array(
      z.object({
        dataCenterId: z.string(),
        dataCenterName: z.string(),
        rows: z.array(
          z.object({
            nodeId: z.string(),
            nodeName: z.string(),
            host: z.string(),
            nodeStatus: z.enum(NODE_STATUSES),
            state: z.enum(NODE_IMAGE_STATES).nullable(),
            available: z.boolean(),
            verifiedSha256: z.string().nullable().describe('The SHA-256 the node computed of the file it holds'),
            machines: count,
            lastJob: z
              .object({
                id: z.string(),
                kind: z.string(),
                status: z.enum(JOB_STATUSES),
                phase: z.string().nullable(),
                bytesDone: bytes,
                bytesTotal: bytes.nullable(),
              })
              .nullable(),
            locked: z.string().nullable().describe('Why the caller cannot change this row; null when they can'),
          }),
        ),
      }),
    ),
    mayChange: z.boolean().describe('Whether the caller may change any of it'),
  }),
);

export const imageCreated = named('ImageCreated', z.object({ id: z.string(), awaitsUpload: z.boolean() }));

export const imageEdited = named(
  'ImageEdited',
  z.object({ imageId: z.string(), changed: z.array(z.string()).describe('The attributes that changed') }),
);

export const lifecycleChanged = named(
  'LifecycleChanged',
  z.object({
    imageId: z.string(),
    status: z.enum(['ok', 'unverified', 'disabled']).optional(),
    access: z.enum(ACCESS_LEVELS).optional(),
    protected: z.boolean().optional(),
  }),
  'The one attribute that was set',
);

export const purgeStarted = named(
  'PurgeStarted',
  z.object({
    imageId: z.string(),
    name: z.string(),
    removed: z.boolean().describe('The row is gone already; otherwise it goes when the last uninstall job ends'),
    uninstallJobIds: z.array(z.string()),
    cancelledInstalls: count,
  }),
);

export const attachmentSet = named(
  'AttachmentSet',
  z.object({
    imageId: z.string(),
    dataCenterId: z.string(),
    attached: z.boolean(),
    withdrawn: count.describe('Nodes of the data center the image was withdrawn from'),
  }),
);

export const availabilityApplied = named(
  'AvailabilityApplied',
  z.object({
    imageId: z.string(),
    changes: z.array(
      z.object({
        nodeId: z.string(),
        nodeName: z.string(),
        change: z.enum(['install', 'uninstall', 'cancel', 'offer', 'forget']),
        jobId: z.string().optional(),
      }),
    ),
  }),
);

export const fileUploaded = named(
  'FileUploaded',
  z.object({ sha256: z.string(), md5: z.string(), sizeBytes: bytes }),
  'The file is in the image store; its checksums, computed as it arrived',
);
