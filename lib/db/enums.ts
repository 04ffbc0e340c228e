/**
 * The closed vocabularies of the domain model. Plain data, safe to import from
 * client components, zod schemas and the drizzle schema alike.
 */
export const ROLES = ['DCAdmin', 'ImageAdmin', 'ImageImportAdmin'] as const;
export type Role = (typeof ROLES)[number];

export const NODE_STATUSES = ['enabled', 'maintenance', 'decommissioned', 'error'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export const OS_TYPES = ['linux', 'windows', 'bsd', 'sunos', 'sunos-zone', 'linux-zone'] as const;
export type OsType = (typeof OS_TYPES)[number];

export const IMAGE_CATEGORIES = ['Linux', 'Windows', 'Other'] as const;
export type ImageCategory = (typeof IMAGE_CATEGORIES)[number];

export const ACCESS_LEVELS = ['public', 'private', 'deleted'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/**
 * `unverified`: a URL image no node has hashed yet (its checksum is only what someone typed);
 * the first verified install makes it `ok`. `pending`: waiting for its file to be uploaded.
 */
export const IMAGE_STATUSES = ['pending', 'unverified', 'ok', 'disabled', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const DISK_FORMATS = ['qcow2', 'raw', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso', 'aki', 'ari', 'ami'] as const;
export type DiskFormat = (typeof DISK_FORMATS)[number];

export const CONTAINER_FORMATS = ['bare', 'ovf', 'ova', 'aki', 'ari', 'ami'] as const;
export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];

export const BOOT_TYPES = ['bios', 'uefi'] as const;

export const NODE_IMAGE_STATES = ['installing', 'installed', 'failed', 'removing', 'missing'] as const;
export type NodeImageState = (typeof NODE_IMAGE_STATES)[number];

export const MACHINE_STATUSES = ['running', 'stopped', 'deploying', 'error'] as const;

/** Each is defined, with its parameters and what it allows, next to its domain's code (lib/jobs/registry.ts). */
export const JOB_KINDS = ['install', 'uninstall', 'sync-images', 'sync-sizes', 'import', 'publish'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * `paused` keeps the transfer's `.part` on the node until a user resumes or cancels the job;
 * `interrupted` jobs (cut off by a portal stop) are queued again at start-up.
 */
export const JOB_STATUSES = ['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Jobs in these states may still change: the runner has them, the job page keeps polling. */
export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];

/** A paused job still holds its node and image: its `.part` waits on the node for it. */
export const HOLDING_JOB_STATUSES = [...ACTIVE_JOB_STATUSES, 'paused'] as const satisfies readonly JobStatus[];

export function isJobActive(status: JobStatus | undefined): boolean {
  return (ACTIVE_JOB_STATUSES as readonly string[]).includes(status ?? '');
}

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const AUDIT_OUTCOMES = ['ok', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The clouds an image can be published to (lib/publish/targets). */
export const CLOUD_KINDS = ['openstack', 's3', 'azure-blob'] as const;
export type CloudKind = (typeof CLOUD_KINDS)[number];

/**
 * A publication of an image to a cloud account: `publishing` while its job runs, `published` once
 * verified there, `failed` or `cancelled` when the job ended otherwise (nothing left remotely),
 * `removed` once taken down from the cloud.
 */
export const PUBLICATION_STATUSES = ['publishing', 'published', 'failed', 'cancelled', 'removed'] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];
