import 'server-only';
import type { Writable } from 'node:stream';
import type { DomainError } from '@/lib/errors';
import type { Digests } from './parallel-hash';

/**
 * What the portal asks of its image store, wherever the files are: a directory of this host
 * (lib/store/local-store.ts) or S3-compatible object storage (lib/store/s3/s3-store.ts). Files are
 * named by `storeFile` (lib/store/image-store.ts: the image id and its format); nothing is readable
 * under that name before it is whole, verified and self-contained.
 */

/** The digests every file gets on its way in: SHA-256 for nodes, MD5 for clouds, SHA-1 for IMGAPI. */
export type StoreDigests = Digests<'sha256' | 'md5' | 'sha1'>;

/**
 * What must not have changed since a file was hashed for it to be sent unhashed
 * (lib/store/trusted-hashes.ts). On disk: size, mtime, ctime and inode; in S3: size, last
 * modification, ETag and key, which any new write of the object changes.
 */
export type StoreStamp = { sizeBytes: number; mtime: string; ctime: string; inode: string };

/** Positional reads of a stored file. Readers go front to back, which S3 serves as one ranged GET. */
export interface StoredFileReader {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; 0 at the end. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** The writable end of a file on its way in: it counts, hashes and keeps what it is given. */
export type IncomingSink = Writable & { readonly bytes: number; digests(): StoreDigests };

/** A file on its way into the store: written through `sink`, then committed under its name or discarded. */
export interface IncomingFile {
  readonly sink: IncomingSink;
  /**
   * Gives the finished file its name in the store, once sure it is self-contained: a file that
   * names a backing file, a data file or extents is refused with `Refusal` and never gets a name.
   */
  commit(Refusal: new (message: string) => DomainError): Promise<void>;
  /** Drops whatever was written; safe to call after a failed or refused commit. */
  discard(): Promise<void>;
}

export type IncomingOptions = {
  storeFile: string;
  /** The name in flight (lib/store/image-store.ts `uploadTempName`), which a store reservation holds. */
  tempName: string;
  /** More bytes than this stop the stream with `tooLarge()`. */
  limit: number;
  tooLarge: () => Error;
};

export type LocalFile = { path: string; release: () => Promise<void> };

export interface ImageStore {
  /** Where the files are, for logs and messages. */
  readonly where: string;
  /** A reader of the file, or undefined when the store has no such file. */
  open(storeFile: string): Promise<StoredFileReader | undefined>;
  /** The file's stamp, or undefined when the store has no such file. */
  stamp(storeFile: string): Promise<StoreStamp | undefined>;
  receive(options: IncomingOptions): Promise<IncomingFile>;
  /**
   * The file as a path on this host, for tools that need one (qemu-img, a cloud's upload): the file
   * itself in a local store; from S3, a copy in the scratch directory under `scratchName`, whose
   * space is reserved first and which `release` removes.
   */
  localFile(storeFile: string, scratchName: string): Promise<LocalFile>;
  remove(storeFile: string): Promise<void>;
  /** Bytes of this host's disk that a file of `bytes` takes while it comes in. */
  localBytesFor(bytes: number): number;
  /**
   * Drops files in flight that nobody is writing any more (a process stopped mid-stream): those
   * whose temporary name `isHeld` says no live process holds. Returns how many.
   */
  removeAbandoned(isHeld: (tempName: string) => Promise<boolean>): Promise<number>;
}
