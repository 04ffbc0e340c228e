import 'server-only';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { HashRing } from './hash-ring';
import { InlineHashes, worthThreads, type Counting, type Digests, type HashAlgorithm } from './parallel-hash';

/**
 * The end of a stream into a file: writes it, hashes it, and fsyncs it before the stream finishes.
 * A large file goes through the ring of lib/store/hash-ring.ts, where one more thread writes it,
 * so the main thread only receives and copies; a small one is hashed and written from here.
 */
export class HashingFileSink<A extends HashAlgorithm> extends Writable {
  bytes = 0;
  private handle: fs.promises.FileHandle | null = null;
  private ring: HashRing<A> | null = null;
  private inline: InlineHashes<A> | null = null;
  private result: Digests<A> | null = null;

  constructor(
    private readonly path: string,
    private readonly algorithms: readonly A[],
    private readonly counting: Counting,
  ) {
    super();
  }

  override _construct(callback: (error?: Error | null) => void) {
    fs.promises.open(this.path, 'w', 0o600).then((handle) => {
      this.handle = handle;
      if (worthThreads(this.algorithms, this.counting)) this.ring = new HashRing(this.algorithms, handle.fd);
      else this.inline = new InlineHashes(this.algorithms);
      callback();
    }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.bytes += chunk.length;
    const refused = this.counting.onBytes?.(this.bytes);
    if (refused) return callback(refused);
    if (this.ring) {
      const waiting = this.ring.update(chunk);
      if (waiting) waiting.then(() => callback(), callback);
      else callback();
      return;
    }
    this.inline!.update(chunk);
    writeAll(this.handle!, chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void) {
    this.complete().then(() => callback(), callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void) {
    // The writing thread must be gone before its descriptor is closed: the number could be reused.
    void (this.ring?.destroy() ?? Promise.resolve())
      .then(() => this.closeFile())
      .catch(() => undefined)
      .then(() => callback(err));
  }

  /** The digests (hex), once the stream has finished. */
  digests(): Digests<A> {
    if (!this.result) throw new Error('The file is not complete; its digests are not known yet.');
    return this.result;
  }

  private async complete(): Promise<void> {
    if (this.ring) {
      // The writing thread fsyncs before it answers.
      this.result = await this.ring.finish();
    } else {
      await this.handle!.sync();
      this.result = await this.inline!.finish();
    }
    await this.closeFile();
  }

  private async closeFile(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}

async function writeAll(handle: fs.promises.FileHandle, chunk: Uint8Array): Promise<void> {
  for (let done = 0; done < chunk.length;) done += (await handle.write(chunk, done)).bytesWritten;
}
