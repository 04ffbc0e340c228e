import 'server-only';

/**
 * The code of a thread that reads the shared ring of lib/store/hash-ring.ts: it hashes every slot
 * with its algorithms, or writes every slot to a file descriptor and fsyncs it at the end.
 *
 * It is plain JavaScript in a string, run with `new Worker(RING_WORKER_SOURCE, { eval: true })`,
 * needing only node:crypto, node:fs and node:worker_threads. So it runs the same under `next build`
 * (Turbopack bundles lib code, and a worker file would need a URL that survives bundling), under
 * vitest and under `node --import tsx`, with no file to find in any of them.
 *
 * The ring: `slots` slots of `slotBytes`, `lengths[slot]` the bytes in each, and in `control`:
 *   [WRITTEN] slots published so far;  [STATE] 0 running, 1 all published;
 *   [READ + reader] slots this reader is done with (the main thread reuses a slot once all are).
 * Both sides wake the other once per `wakeEvery` slots, not per slot: a wake is a context switch.
 * The atomic store of WRITTEN orders a slot's bytes and length before the count that hands them over.
 * The answer is one message: `{ digests }` (hex, in the order of `algorithms`), `{ written: true }`,
 * or `{ error: { message, code } }`.
 */
export const CONTROL = { WRITTEN: 0, STATE: 1, READ: 2 } as const;
export const STATE_DONE = 1;

export type RingWorkerAnswer =
  { digests: string[] } | { written: true } | { error: { message: string; code?: string } };

export const RING_WORKER_SOURCE = `
'use strict';
const { workerData: job, parentPort } = require('node:worker_threads');
const data = new Uint8Array(job.ring);
const sizes = new Int32Array(job.lengths);
const ctrl = new Int32Array(job.control);
const WRITTEN = ${CONTROL.WRITTEN}, STATE = ${CONTROL.STATE}, READ = ${CONTROL.READ} + job.reader;
let take, answer;
if (job.algorithms) {
  const { createHash } = require('node:crypto');
  const hashes = job.algorithms.map((algorithm) => createHash(algorithm));
  take = (bytes) => {
    for (const hash of hashes) hash.update(bytes);
  };
  answer = () => ({ digests: hashes.map((hash) => hash.digest('hex')) });
} else {
  const fs = require('node:fs');
  take = (bytes) => {
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(job.fd, bytes, done);
  };
  answer = () => (fs.fsyncSync(job.fd), { written: true });
}
try {
  let read = 0;
  for (;;) {
    const written = Atomics.load(ctrl, WRITTEN);
    for (; read < written; read += 1) {
      const slot = read % job.slots;
      take(data.subarray(slot * job.slotBytes, slot * job.slotBytes + sizes[slot]));
      Atomics.store(ctrl, READ, read + 1);
      // The main thread waits only on a full ring, with a batch of slots still to read here.
      if ((read + 1) % job.wakeEvery === 0) Atomics.notify(ctrl, READ);
    }
    // STATE is set before the last slot is published: every slot of a done ring seen is the end.
    if (Atomics.load(ctrl, STATE) === ${STATE_DONE} && read === Atomics.load(ctrl, WRITTEN)) break;
    Atomics.wait(ctrl, WRITTEN, written);
  }
  parentPort.postMessage(answer());
} catch (err) {
  parentPort.postMessage({ error: { message: String((err && err.message) || err), code: err && err.code } });
}
`;
