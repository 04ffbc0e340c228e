import 'server-only';
import type { CloudKind, ContainerFormat, DiskFormat, OsType } from '@/lib/db/enums';

export { CLOUD_KINDS, type CloudKind } from '@/lib/db/enums';

/**
 * What every kind of cloud account implements to receive an image (./targets/*.ts). The publish
 * job (./job.ts) drives it through its phases; a target knows its cloud, never the job runner or
 * the database.
 */

/** Why a cloud said no, in words an operator can act on. */
export type CloudFailureReason =
  | 'credentials' // wrong key, password or token; or not allowed
  | 'not-found' // no such bucket, container, project or endpoint
  | 'unreachable' // DNS, refused connection, timeout
  | 'tls' // certificate or handshake
  | 'refused' // the cloud forbids this (a protected image, a quota)
  | 'mismatch' // the remote copy's checksum differs from ours
  | 'other';

/**
 * A failure that came from the cloud. `transient` ones (a reset connection, a 5xx, a throttle) are
 * retried with the job's backoff; the others fail the job with `message`.
 */
export class CloudError extends Error {
  constructor(
    readonly reason: CloudFailureReason,
    message: string,
    readonly transient = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CloudError';
  }
}

/** The image as a target needs it: attributes to map onto the cloud's metadata. */
export type PublishedImageAttributes = {
  id: string;
  name: string;
  version: string;
  description: string;
  osType: OsType;
  diskFormat: DiskFormat;
  containerFormat: ContainerFormat;
  minDiskGb: number;
  minRamMb: number;
  bootType: 'bios' | 'uefi';
  tags: string[];
};

/** The file the target sends: the stored file, or a conversion of it made in the store's scratch space. */
export type PublishFile = {
  path: string;
  sizeBytes: number;
  /** The format of this file as sent (after any conversion). */
  diskFormat: DiskFormat;
  /** Of this file, lowercase hex: sha256 and md5 always; sha512 when the target asked for it. */
  sha256: string;
  md5: string;
  sha512?: string;
};

/**
 * Remote state a target saves as it goes (an upload id, a created image id, a blob name), so that
 * a later attempt can resume or a cancel can remove what was started. Plain JSON.
 */
export type RemoteState = Record<string, unknown>;

export type UploadOptions = {
  signal: AbortSignal;
  /** Bytes of the file the cloud holds so far (resumed bytes count). Called often; it is throttled by the caller. */
  onProgress: (bytesDone: number) => void;
  /** Saves `state` durably before the call returns, so a crash after it can still clean up or resume. */
  saveState: (state: RemoteState) => Promise<void>;
  /** What an earlier attempt of the same publication saved, if any. */
  previous: RemoteState | undefined;
  /** Remote ids of published kernel and ramdisk, for a partition image (OpenStack). */
  linked?: { kernelId?: string; ramdiskId?: string };
};

export type PublishedCopy = {
  /** The cloud's id for the copy: a Glance image id, an object key, a blob name. */
  remoteId: string;
  /** Where an operator finds it: an image URL, s3://bucket/key, the blob URL without any SAS. */
  remoteUrl: string;
  state: RemoteState;
};

export type VerifiedCopy = {
  /** Each checksum compared, ours against theirs, e.g. { sha512: 'abc…', md5: '…' }; only equal pairs. */
  compared: Record<string, string>;
};

export interface CloudTarget {
  readonly kind: CloudKind;
  /**
   * The file format this cloud receives for an image of `diskFormat`: the same when it takes it
   * as is (Glance, S3), `vhd` for Azure. The job converts when they differ.
   */
  formatFor(diskFormat: DiskFormat): DiskFormat;
  /** Which digests of the file verify() compares; the job computes them before upload. */
  readonly digests: readonly ('sha256' | 'md5' | 'sha512')[];
  /** Tries the credentials with one cheap read; throws a CloudError saying what is wrong. */
  testConnection(signal: AbortSignal): Promise<void>;
  /** Streams the file to the cloud, resuming from `previous` where the cloud allows it. */
  upload(image: PublishedImageAttributes, file: PublishFile, options: UploadOptions): Promise<PublishedCopy>;
  /** Reads back the cloud's own checksums of the copy and compares; throws CloudError('mismatch'). */
  verify(copy: PublishedCopy, file: PublishFile, signal: AbortSignal): Promise<VerifiedCopy>;
  /**
   * Removes what an unfinished upload left (a queued Glance image, an open multipart upload, a
   * partial blob), from what it saved. Idempotent: nothing there is no error.
   */
  discard(state: RemoteState, signal: AbortSignal): Promise<void>;
  /** Removes a published copy; throws CloudError('refused') when the cloud protects it. Idempotent. */
  remove(copy: PublishedCopy, signal: AbortSignal): Promise<void>;
}
