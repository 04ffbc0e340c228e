import 'server-only';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { IncomingSink, StoreDigests } from '@/lib/store/backend';
import { InlineHashes } from '@/lib/store/parallel-hash';
import { isMissing } from '@/lib/s3/errors';
import { partSizeFor } from '@/lib/s3/parts';
import { HeadAndTail } from './head-and-tail';

// Parts on their way at once: two keep the link busy while the next one fills.
const PARTS_IN_FLIGHT = 2;

type Target = { client: S3Client; bucket: string; key: string };

/**
 * A file streamed into the bucket as a multipart upload, hashed on the way. S3 shows nothing under
 * the key until `complete()`, which the store calls only once the file is verified: until then the
 * upload can be aborted and leaves no object. Memory holds the part being filled and the parts in
 * flight, whatever the file's size.
 */
export class S3UploadSink extends Writable implements IncomingSink {
  bytes = 0;
  /** The bytes the safety checks read, kept as they pass (lib/store/file-safety.ts). */
  readonly headAndTail = new HeadAndTail();
  private uploadId: string | undefined;
  private readonly hashes = new InlineHashes(['sha256', 'md5', 'sha1'] as const);
  private result: StoreDigests | undefined;
  private filling: Buffer[] = [];
  private fillingBytes = 0;
  private readonly parts: CompletedPart[] = [];
  private nextPartNumber = 1;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly partSize: number;

  constructor(
    private readonly target: Target,
    private readonly limit: number,
    private readonly tooLarge: () => Error,
  ) {
    super();
    this.partSize = partSizeFor(limit);
  }

  override _construct(callback: (error?: Error | null) => void) {
    const { client, bucket, key } = this.target;
    client
      .send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ChecksumAlgorithm: 'SHA256',
          ContentType: 'application/octet-stream',
        }),
      )
      .then((created) => {
        this.uploadId = created.UploadId;
        callback(created.UploadId ? null : new Error('The S3 server started an upload without an upload id.'));
      }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return callback(this.tooLarge());
    this.hashes.update(chunk);
    this.headAndTail.update(chunk);
    this.filling.push(chunk);
    this.fillingBytes += chunk.length;
    if (this.fillingBytes < this.partSize) return callback();
    this.sendFullParts().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void) {
    // An empty file is still one (empty) part: CompleteMultipartUpload needs at least one.
    const last = this.fillingBytes > 0 || this.nextPartNumber === 1;
    (last ? this.send(this.takeFilled(this.fillingBytes)) : Promise.resolve())
      .then(() => Promise.all(this.inFlight))
      .then(async () => {
        this.result = await this.hashes.finish();
      })
      .then(() => callback(), callback);
  }

  digests(): StoreDigests {
    if (!this.result) throw new Error('The upload is not complete; its digests are not known yet.');
    return this.result;
  }

  /** Makes the object appear under its key, whole. */
  async complete(): Promise<void> {
    const parts = [...this.parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    const { client, bucket, key } = this.target;
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  }

  /** Drops the parts sent; there never was an object. */
  async abort(): Promise<void> {
    if (!this.uploadId) return;
    await Promise.allSettled(this.inFlight);
    const { client, bucket, key } = this.target;
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: this.uploadId }))
      .catch((err: unknown) => {
        if (!isMissing(err)) throw err;
      });
  }

  /**
   * Sends every whole part filled so far. Parts are all of one size but the last, whatever the
   * chunks were: some S3-compatible servers accept nothing else.
   */
  private async sendFullParts(): Promise<void> {
    while (this.fillingBytes >= this.partSize) await this.send(this.takeFilled(this.partSize));
  }

  /** The first `bytes` of what has been filled, taken out of it. */
  private takeFilled(bytes: number): Buffer {
    const all = this.filling.length === 1 ? this.filling[0]! : Buffer.concat(this.filling, this.fillingBytes);
    this.filling = all.length > bytes ? [all.subarray(bytes)] : [];
    this.fillingBytes = all.length - bytes;
    return all.subarray(0, bytes);
  }

  /** Starts sending `body` as the next part, once fewer than PARTS_IN_FLIGHT are on their way. */
  private async send(body: Buffer): Promise<void> {
    while (this.inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(this.inFlight);
    const partNumber = this.nextPartNumber++;
    const sending: Promise<void> = this.sendPart(partNumber, body).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
    // A failed part fails the stream at its next write or at its end, whichever comes first.
    sending.catch((err: Error) => this.destroy(err));
  }

  private async sendPart(partNumber: number, body: Buffer): Promise<void> {
    const { client, bucket, key } = this.target;
    // Given up front, the checksum goes in a header and the server checks the part against it.
    const checksum = crypto.createHash('sha256').update(body).digest('base64');
    const sent = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: checksum,
      }),
    );
    this.parts.push({ PartNumber: partNumber, ETag: sent.ETag, ChecksumSHA256: checksum });
  }
}
