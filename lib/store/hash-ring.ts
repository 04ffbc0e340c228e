import 'server-only';
import { Worker } from 'node:worker_threads';
import { CONTROL, RING_WORKER_SOURCE, STATE_DONE, type RingWorkerAnswer } from './hash-worker';

/**
 * A ring of memory shared with worker threads, each of which reads every byte put into it: some
 * hash, one may write the file. The main thread only copies each chunk in, once, and goes on; the
 * chunk is garbage at once, so the network's buffers do not pile up while a write is pending. A
 * slot is reused once every reader is done with it, so a full ring holds the stream back and
 * memory stays at the ring's size whatever the file's. The slowest reader (MD5) sets the pace.
 */

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256';
export type Digests<A extends HashAlgorithm> = Record<A, string>;

/** A stream's digests in the making, on threads (HashRing) or on the main thread (parallel-hash.ts). */
export interface StreamHashes<A extends HashAlgorithm> {
  /** Takes a chunk in; a promise when it must wait for room first, until which the chunk must not change. */
  update(chunk: Uint8Array): Promise<void> | undefined;
  /** Ends the input; the digests (hex) once all are known, and any file written and fsynced. */
  finish(): Promise<Digests<A>>;
  /** Stops the work and its threads; resolves once every thread has exited. */
  destroy(): Promise<void>;
}

/** A thread's job: hash with its algorithms, or write to a file descriptor (and fsync it at the end). */
type RingReader = { hash: readonly HashAlgorithm[] } | { writeTo: number };

/**
 * MD5 on a thread of its own (about 660 MiB/s here), SHA-1 and SHA-256 together on another (about
 * 1.5 GiB/s each with the CPU's SHA instructions), so the two take about as long. A thread per digest
 * would add an isolate's memory and more wake-ups for no speed: the MD5 thread sets the pace anyway.
 */
function hashThreads(algorithms: readonly HashAlgorithm[]): RingReader[] {
  const alone = algorithms.filter((algorithm) => algorithm === 'md5');
  const together = algorithms.filter((algorithm) => algorithm !== 'md5');
  return [alone, together].filter((group) => group.length > 0).map((hash) => ({ hash }));
}

const SLOT_BYTES = 256 * 1024;
/** 8 MiB: room for the stream's first bytes while the threads start, and for their hiccups. */
const SLOTS = 32;
/**
 * Slots between two wakes (2 MiB), of the readers by the main thread and of the main thread by a
 * reader; a quarter of the ring, so neither side starves while the other works through a batch.
 */
const WAKE_EVERY = 8;

let liveThreads = 0;

/** Ring threads started and not yet exited, so tests can see that none is left behind. */
export function liveRingThreads(): number {
  return liveThreads;
}

export class HashRing<A extends HashAlgorithm> implements StreamHashes<A> {
  private readonly ring = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  private readonly data = new Uint8Array(this.ring);
  private readonly lengths = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly control: Int32Array;
  private readonly readers: RingReader[];
  private readonly workers: Worker[];
  private readonly exited: Promise<void>[] = [];
  private readonly answers: (string[] | undefined)[] = [];
  /** Slots published; the one being filled is `written % SLOTS`, with `filled` bytes in it so far. */
  private written = 0;
  private filled = 0;
  private finished = false;
  private failure: Error | null = null;
  /** Resolves whoever waits for the answers, once one comes or a reader fails. */
  private wake: () => void = () => undefined;

  /** Hashes with `algorithms`; with `writeTo`, a file descriptor, one more thread writes the bytes there. */
  constructor(algorithms: readonly A[], writeTo?: number) {
    const readers = [...hashThreads(algorithms), ...(writeTo === undefined ? [] : [{ writeTo }])];
    this.readers = readers;
    const cells = CONTROL.READ + readers.length;
    this.control = new Int32Array(new SharedArrayBuffer(cells * Int32Array.BYTES_PER_ELEMENT));
    this.workers = readers.map((job, reader) => this.spawn(job, reader));
  }

  update(chunk: Uint8Array): Promise<void> | undefined {
    for (let offset = 0; offset < chunk.length;) {
      if (this.failure) return Promise.reject(this.failure);
      if (this.filled === 0 && !this.slotFree()) {
        const rest = chunk.subarray(offset);
        return this.slotReady().then(() => this.update(rest));
      }
      const count = Math.min(SLOT_BYTES - this.filled, chunk.length - offset);
      this.data.set(chunk.subarray(offset, offset + count), (this.written % SLOTS) * SLOT_BYTES + this.filled);
      this.filled += count;
      offset += count;
      if (this.filled === SLOT_BYTES) this.publish();
    }
    return undefined;
  }

  async finish(): Promise<Digests<A>> {
    if (this.finished) throw new Error('This ring has already finished.');
    this.finished = true;
    // The last slot, even an empty one: the count it moves is what wakes a waiting reader to the end.
    if (this.filled === 0) await this.slotReady();
    Atomics.store(this.control, CONTROL.STATE, STATE_DONE);
    this.publish();
    this.wakeReaders();
    while (this.answers.filter((answer) => answer !== undefined).length < this.workers.length) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return Object.fromEntries(
      this.readers.flatMap((job, reader) =>
        'hash' in job ? job.hash.map((algorithm, i) => [algorithm, this.answers[reader]![i]!]) : [],
      ),
    ) as Digests<A>;
  }

  /** Resolves once every thread has exited, so that the file descriptor may be closed. */
  async destroy(): Promise<void> {
    this.fail(new Error('The ring was stopped.'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    await Promise.all(this.exited);
  }

  private spawn(job: RingReader, reader: number): Worker {
    const worker = new Worker(RING_WORKER_SOURCE, {
      eval: true,
      // Hashing needs none of the parent's flags or loaders (tsx); loading them would only slow the start.
      execArgv: [],
      workerData: {
        ...('hash' in job ? { algorithms: job.hash } : { fd: job.writeTo }),
        reader,
        ring: this.ring,
        lengths: this.lengths.buffer,
        control: this.control.buffer,
        slots: SLOTS,
        slotBytes: SLOT_BYTES,
        wakeEvery: WAKE_EVERY,
      },
    });
    liveThreads += 1;
    worker.once('message', (answer: RingWorkerAnswer) => {
      if ('error' in answer) return this.fail(Object.assign(new Error(answer.error.message), answer.error));
      this.answers[reader] = 'digests' in answer ? answer.digests : [];
      this.wake();
    });
    worker.once('error', (err) => this.fail(err));
    this.exited.push(
      new Promise((resolve) =>
        worker.once('exit', (code) => {
          liveThreads -= 1;
          if (this.answers[reader] === undefined)
            this.fail(new Error(`A ring thread stopped early (exit code ${code}).`));
          resolve();
        }),
      ),
    );
    return worker;
  }

  private publish(): void {
    this.lengths[this.written % SLOTS] = this.filled;
    this.filled = 0;
    this.written += 1;
    Atomics.store(this.control, CONTROL.WRITTEN, this.written);
    // Readers are woken a batch at a time: a wake per slot would have them preempt this thread constantly.
    if (this.written % WAKE_EVERY === 0) this.wakeReaders();
  }

  private wakeReaders(): void {
    Atomics.notify(this.control, CONTROL.WRITTEN);
  }

  /** The slowest reader's cell in `control`, and the slots it is done with. */
  private slowest(): { cell: number; read: number } {
    let slowest = { cell: CONTROL.READ as number, read: Infinity };
    for (let reader = 0; reader < this.readers.length; reader++) {
      const read = Atomics.load(this.control, CONTROL.READ + reader);
      if (read < slowest.read) slowest = { cell: CONTROL.READ + reader, read };
    }
    return slowest;
  }

  private slotFree(): boolean {
    return this.written - this.slowest().read < SLOTS;
  }

  /** Waits, without blocking the main thread, until the slowest reader frees the next slot. */
  private async slotReady(): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      const { cell, read } = this.slowest();
      if (this.written - read < SLOTS) return;
      // A reader asleep until the next batch would never free the slot waited for.
      this.wakeReaders();
      const wait = Atomics.waitAsync(this.control, cell, read);
      if (wait.async) await wait.value;
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
    // Also ends a wait for a slot: a reader that failed will never move its count again.
    for (let reader = 0; reader < this.readers.length; reader++) Atomics.notify(this.control, CONTROL.READ + reader);
  }
}
