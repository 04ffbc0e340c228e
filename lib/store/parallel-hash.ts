import 'server-only';
import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { HashRing, type Digests, type HashAlgorithm, type StreamHashes } from './hash-ring';

/**
 * Streams hashed on worker threads (lib/store/hash-ring.ts). One thread cannot receive, hash MD5
 * (about 660 MiB/s), SHA-1 and SHA-256, and write at the network's speed (bench/README.md, Import):
 * the digests go to threads of their own, which the machine's other cores can run.
 */

export type { Digests, HashAlgorithm, StreamHashes } from './hash-ring';
export { liveRingThreads } from './hash-ring';

/** Below this, starting the threads (tens of ms) costs more than hashing on the main thread does. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

export type Counting = {
  /** How many bytes are expected: threads for a large stream, the main thread for a small one. */
  expectedBytes: number;
  /** Sees the running count before each chunk is taken; an error it returns stops the stream (a size limit). */
  onBytes?: (bytes: number) => Error | undefined;
};

export function worthThreads(algorithms: readonly HashAlgorithm[], { expectedBytes }: Counting): boolean {
  return algorithms.length > 0 && expectedBytes >= PARALLEL_MIN_BYTES;
}

/** The same digests on the main thread, for a stream too small to be worth threads. */
export class InlineHashes<A extends HashAlgorithm> implements StreamHashes<A> {
  private readonly hashes: crypto.Hash[];

  constructor(private readonly algorithms: readonly A[]) {
    this.hashes = algorithms.map((algorithm) => crypto.createHash(algorithm));
  }

  update(chunk: Uint8Array): undefined {
    for (const hash of this.hashes) hash.update(chunk);
  }

  async finish(): Promise<Digests<A>> {
    return Object.fromEntries(this.algorithms.map((a, i) => [a, this.hashes[i]!.digest('hex')])) as Digests<A>;
  }

  async destroy(): Promise<void> {}
}

/**
 * A pass-through stream that counts and hashes what flows through it, e.g. a compressed download
 * on its way to be decompressed.
 */
export class HashingTransform<A extends HashAlgorithm> extends Transform {
  bytes = 0;
  private hashes: StreamHashes<A> | null = null;
  private result: Digests<A> | null = null;

  constructor(
    private readonly algorithms: readonly A[],
    private readonly counting: Counting,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    const refused = this.counting.onBytes?.(this.bytes);
    if (refused) return callback(refused);
    const waiting = this.started().update(chunk);
    // The chunk goes on at once; the next one waits until the hashes have taken this one in.
    this.push(chunk);
    if (waiting) waiting.then(() => callback(), callback);
    else callback();
  }

  override _flush(callback: TransformCallback) {
    this.started()
      .finish()
      .then((digests) => {
        this.result = digests;
        callback();
      }, callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void) {
    void (this.hashes?.destroy() ?? Promise.resolve()).then(() => callback(err));
  }

  /** The digests (hex), once the stream has ended. */
  digests(): Digests<A> {
    if (!this.result) throw new Error('The stream has not ended; its digests are not known yet.');
    return this.result;
  }

  /** The threads start with the first chunk, so a stream never used leaves none behind. */
  private started(): StreamHashes<A> {
    this.hashes ??= worthThreads(this.algorithms, this.counting)
      ? new HashRing(this.algorithms)
      : new InlineHashes(this.algorithms);
    return this.hashes;
  }
}
