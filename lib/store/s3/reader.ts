import 'server-only';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoredFileReader } from '@/lib/store/backend';

/**
 * Positional reads of an object, served by ranged GETs: one GET from the first position asked for
 * to the end, read on as long as the reads follow each other, and a new one when a read jumps.
 * Readers in the portal go front to back, so a whole push or download is one request.
 */
export class S3ObjectReader implements StoredFileReader {
  private body: AsyncIterator<Buffer> | undefined;
  private stream: Readable | undefined;
  /** Where the open GET's next byte is, counting `spare`. */
  private at = 0;
  /** Bytes received but not yet read. */
  private spare: Buffer = Buffer.alloc(0);

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    readonly size: number,
    /** The ETag read with the size: a GET of an object replaced meanwhile fails instead of mixing two files. */
    private readonly etag: string | undefined,
  ) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (position >= this.size || length <= 0) return 0;
    if (!this.body || position !== this.at) await this.openAt(position);
    let filled = 0;
    while (filled < length) {
      if (this.spare.length === 0) {
        const next = await this.body!.next();
        if (next.done) break;
        this.spare = next.value;
      }
      const take = Math.min(length - filled, this.spare.length);
      this.spare.copy(buffer, offset + filled, 0, take);
      this.spare = this.spare.subarray(take);
      filled += take;
    }
    this.at = position + filled;
    return filled;
  }

  async close(): Promise<void> {
    this.stream?.destroy();
    this.stream = undefined;
    this.body = undefined;
  }

  private async openAt(position: number): Promise<void> {
    await this.close();
    const response = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key,
        Range: `bytes=${position}-${this.size - 1}`,
        IfMatch: this.etag,
      }),
    );
    this.stream = response.Body as Readable;
    this.body = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.spare = Buffer.alloc(0);
    this.at = position;
  }
}
