import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { UnavailableError } from '@/lib/errors';
import type {
  ImageStore,
  IncomingFile,
  IncomingOptions,
  LocalFile,
  StoredFileReader,
  StoreStamp,
} from '@/lib/store/backend';
import { refuseUnlessKeptBytesSafe } from '@/lib/store/file-safety';
import { removeAbandonedIn } from '@/lib/store/local-store';
import { checkedStoreName, tempNameOf } from '@/lib/store/names';
import { readerChunks } from '@/lib/store/reading';
import { reserveStoreSpace, type Reservation } from '@/lib/store/reservations';
import { isMissing } from '@/lib/s3/errors';
import { s3StoreClient, type S3StoreLocation } from './client';
import { S3ObjectReader } from './reader';
import { S3UploadSink } from './upload-sink';

/**
 * The image store as objects in an S3-compatible bucket (`PORTAL_STORE=s3://bucket/prefix`), which
 * every host reaches. A file comes in as a multipart upload straight to its key; S3 shows nothing
 * under the key until the upload is completed, which happens only once the file is verified.
 * Files on their way out to a cloud, and the probe of a file's safety, use this host's scratch
 * directory.
 */
export class S3ImageStore implements ImageStore {
  private readonly client: S3Client;

  constructor(
    private readonly location: S3StoreLocation,
    private readonly scratchDir: string,
  ) {
    this.client = s3StoreClient(location);
  }

  get where(): string {
    const { bucket, prefix, endpoint } = this.location;
    return `s3://${bucket}/${prefix}${endpoint ? ` at ${endpoint}` : ''}`;
  }

  async open(storeFile: string): Promise<StoredFileReader | undefined> {
    const head = await this.head(storeFile);
    if (!head) return undefined;
    return new S3ObjectReader(this.client, this.location.bucket, this.keyOf(storeFile), head.size, head.etag);
  }

  async stamp(storeFile: string): Promise<StoreStamp | undefined> {
    const head = await this.head(storeFile);
    if (!head) return undefined;
    return { sizeBytes: head.size, mtime: head.lastModified, ctime: head.etag ?? '', inode: this.keyOf(storeFile) };
  }

  async receive({ storeFile, tempName, limit, tooLarge }: IncomingOptions): Promise<IncomingFile> {
    const target = { client: this.client, bucket: this.location.bucket, key: this.keyOf(storeFile) };
    const sink = new S3UploadSink(target, limit, tooLarge);
    // The probe goes by the temporary name, which the upload's reservation holds (start-up clears it otherwise).
    const probePath = path.join(this.scratchDir, checkedStoreName(tempName));
    return {
      sink,
      commit: async (Refusal) => {
        await refuseUnlessKeptBytesSafe(sink.headAndTail, probePath, Refusal);
        await sink.complete();
      },
      discard: () => sink.abort(),
    };
  }

  async localFile(storeFile: string, scratchName: string): Promise<LocalFile> {
    const reader = await this.open(storeFile);
    if (!reader)
      throw new UnavailableError(`The image file ${storeFile} is missing from the portal's store (${this.where}).`);
    const copy = path.join(this.scratchDir, checkedStoreName(scratchName));
    let reservation: Reservation | undefined;
    try {
      reservation = await reserveStoreSpace(scratchName, reader.size, `a copy of ${storeFile} from the store`);
      await pipeline(Readable.from(readerChunks(reader)), fs.createWriteStream(copy, { mode: 0o600 }));
    } catch (err) {
      await fs.promises.rm(copy, { force: true });
      await reservation?.release();
      throw err;
    } finally {
      await reader.close();
    }
    return {
      path: copy,
      release: async () => {
        await fs.promises.rm(copy, { force: true });
        await reservation.release();
      },
    };
  }

  async remove(storeFile: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(storeFile) }));
  }

  localBytesFor(): number {
    return 0;
  }

  async removeAbandoned(isHeld: (tempName: string) => Promise<boolean>): Promise<number> {
    const { bucket, prefix } = this.location;
    let removed = await removeAbandonedIn(this.scratchDir, isHeld);
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, ...markers }),
      );
      for (const upload of page.Uploads ?? []) {
        const name = upload.Key!.slice(prefix.length);
        if (name.includes('/') || (await isHeld(tempNameOf(name)))) continue;
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }))
          .catch((err: unknown) => {
            if (!isMissing(err)) throw err;
          });
        removed++;
      }
      if (!page.IsTruncated) return removed;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  private keyOf(name: string): string {
    return `${this.location.prefix}${checkedStoreName(name)}`;
  }

  private async head(storeFile: string) {
    const head = await this.client
      .send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(storeFile) }))
      .catch((err: unknown) => {
        if (isMissing(err)) return undefined;
        throw err;
      });
    if (!head) return undefined;
    return { size: head.ContentLength ?? 0, etag: head.ETag, lastModified: String(head.LastModified?.getTime() ?? 0) };
  }
}
