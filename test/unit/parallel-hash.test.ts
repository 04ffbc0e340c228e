import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HashingFileSink } from '@/lib/store/hashed-file';
import { HashingTransform, liveRingThreads, PARALLEL_MIN_BYTES, type HashAlgorithm } from '@/lib/store/parallel-hash';

/**
 * The hashes spread over threads (lib/store/parallel-hash.ts, hash-ring.ts, hashed-file.ts) against
 * node:crypto on one thread: odd sizes and chunkings (the ring's 256 KiB slots filled across chunk
 * borders, and more than its 8 MiB so it must wait for room), empty input, and streams that fail
 * or are aborted halfway, after which no thread and no file descriptor is left behind.
 */

const ALL: HashAlgorithm[] = ['md5', 'sha1', 'sha256'];
const MiB = 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-parallel-hash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(async () => vi.waitFor(() => expect(liveRingThreads()).toBe(0), { timeout: 5_000 }));

const reference = (data: Buffer) =>
  Object.fromEntries(ALL.map((algorithm) => [algorithm, crypto.createHash(algorithm).update(data).digest('hex')]));

/** The data in chunks of varying, odd sizes, as a socket or a decompressor delivers them. */
function* chunksOf(data: Buffer, seed: number): Generator<Buffer> {
  let offset = 0;
  for (let i = seed; offset < data.length; i++) {
    const size = 1 + ((i * 7919 + seed * 104729) % (300 * 1024));
    yield data.subarray(offset, offset + size);
    offset += size;
  }
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;

// Sizes around the 256 KiB slot, and past the 8 MiB ring (3 MiB more than fits, an odd byte count).
const SIZES = [1, 1000, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 3 * MiB + 17, 11 * MiB + 12345];

describe('hashing on threads', () => {
  it.each(SIZES)('gives the digests node:crypto gives, for %i bytes through a transform', async (size) => {
    const data = crypto.randomBytes(size);
    // The expected size picks the threads, whatever the actual size: small inputs test them too.
    const meter = new HashingTransform(ALL, { expectedBytes: PARALLEL_MIN_BYTES });
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunksOf(data, size % 13)), meter, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    expect(meter.digests()).toEqual(reference(data));
    expect(meter.bytes).toBe(size);
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });

  it.each(SIZES)('writes and hashes %i bytes into a file through the file sink', async (size) => {
    const data = crypto.randomBytes(size);
    const file = path.join(dir, `sink-${size}`);
    const sink = new HashingFileSink(file, ALL, { expectedBytes: PARALLEL_MIN_BYTES });
    await pipeline(Readable.from(chunksOf(data, size % 11)), sink);
    expect(sink.digests()).toEqual(reference(data));
    expect(fs.readFileSync(file).equals(data)).toBe(true);
  });

  it('gives the digests of nothing for empty input, on threads and on the main thread', async () => {
    for (const expectedBytes of [PARALLEL_MIN_BYTES, 0]) {
      const sink = new HashingFileSink(path.join(dir, `empty-${expectedBytes}`), ALL, { expectedBytes });
      await pipeline(Readable.from([]), sink);
      expect(sink.digests()).toEqual(reference(Buffer.alloc(0)));
      expect(sink.bytes).toBe(0);
      const meter = new HashingTransform(ALL, { expectedBytes });
      await pipeline(Readable.from([]), meter, async (source: AsyncIterable<Buffer>) => {
        for await (const _chunk of source);
      });
      expect(meter.digests()).toEqual(reference(Buffer.alloc(0)));
    }
  });

  it('hashes small inputs on the main thread, starting no thread', async () => {
    const data = crypto.randomBytes(MiB + 3);
    const sink = new HashingFileSink(path.join(dir, 'small'), ALL, { expectedBytes: data.length });
    const write = pipeline(Readable.from(chunksOf(data, 5)), sink);
    expect(liveRingThreads()).toBe(0);
    await write;
    expect(sink.digests()).toEqual(reference(data));
  });

  it('stops its threads and closes its file when the stream is aborted halfway', async () => {
    const fdsBefore = openFds();
    const aborted = new AbortController();
    async function* halfThenAbort() {
      yield* chunksOf(crypto.randomBytes(10 * MiB), 3);
      await vi.waitFor(() => expect(liveRingThreads()).toBe(3)); // MD5, SHA-1 with SHA-256, and the file's writer
      aborted.abort();
      yield* chunksOf(crypto.randomBytes(10 * MiB), 4);
    }
    const sink = new HashingFileSink(path.join(dir, 'aborted'), ALL, { expectedBytes: 20 * MiB });
    await expect(pipeline(Readable.from(halfThenAbort()), sink, { signal: aborted.signal })).rejects.toThrow(/abort/i);
    await vi.waitFor(() => expect(liveRingThreads()).toBe(0));
    await vi.waitFor(() => expect(openFds()).toBe(fdsBefore));
    expect(() => sink.digests()).toThrow(/not complete/);
  });

  it('stops its threads when the source fails, and when a size limit is passed', async () => {
    async function* failing() {
      yield crypto.randomBytes(9 * MiB);
      throw new Error('the socket broke');
    }
    const meter = new HashingTransform(ALL, { expectedBytes: 20 * MiB });
    const drain = async (source: AsyncIterable<Buffer>) => {
      for await (const _chunk of source);
    };
    await expect(pipeline(Readable.from(failing()), meter, drain)).rejects.toThrow('the socket broke');
    const limited = new HashingFileSink(path.join(dir, 'limited'), ALL, {
      expectedBytes: 9 * MiB,
      onBytes: (bytes) => (bytes > 9 * MiB ? new Error('too large') : undefined),
    });
    await expect(pipeline(Readable.from(chunksOf(crypto.randomBytes(12 * MiB), 1)), limited)).rejects.toThrow(
      'too large',
    );
  });

  it('passes on a write error with its code (ENOSPC), from the writing thread and from the main thread', async () => {
    for (const expectedBytes of [PARALLEL_MIN_BYTES, 0]) {
      const sink = new HashingFileSink('/dev/full', ALL, { expectedBytes });
      await expect(pipeline(Readable.from(chunksOf(crypto.randomBytes(MiB), 2)), sink)).rejects.toMatchObject({
        code: 'ENOSPC',
      });
    }
  });
});
