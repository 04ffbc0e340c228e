import 'server-only';

/** How many SFTP writes a push keeps in flight (./push.ts). */

// Writes in flight. Whatever is in flight beyond what the link itself carries waits in the node's
// sshd, in a buffer OpenSSH grows by reallocating and copying it. With the whole 2 MiB SSH window
// queued there (32 writes in flight), a fresh connection took over a second to get its first
// 2 MiB acknowledged and the node spent up to twice the CPU per byte (bench/README.md). So the
// push keeps only what the link needs in flight: MIN_IN_FLIGHT (1.5 MiB) is plenty on a LAN, and
// InFlightLimit adds writes while they come back as fast as the fastest one did (a long link needs
// more) and takes them away again once several writes' worth are queued.
// Pushes running in this process share its one thread: while it serves the others, a push's
// acknowledgements wait, so each needs a deeper pipeline to keep its node busy. The floor is
// MIN_IN_FLIGHT per push running (with 4 in parallel, 24 each: the fan-out lost a quarter of its
// speed with 6).
// Whatever the limit, a write also waits until the SSH window takes it whole (./push.ts): sshd's
// 2 MiB window, about 8 writes, bounds what is on the wire on any link, and writes beyond it
// would only wait inside ssh2, copied.
const MIN_IN_FLIGHT = 6;
const MAX_IN_FLIGHT = 32;
// Writes queued beyond what the link carries: fewer than QUEUE_LOW grows the limit, more than
// QUEUE_HIGH shrinks it.
const QUEUE_LOW = 2;
const QUEUE_HIGH = 4;

let pushesRunning = 0;

/** Counts a push as running in this process until the returned function is called. */
export function countPush(): () => void {
  pushesRunning++;
  let counted = true;
  return () => {
    if (counted) pushesRunning--;
    counted = false;
  };
}

/**
 * How many writes may be in flight, after TCP Vegas: the fastest round trip seen is the link's
 * own, and the amount by which the current round trips exceed it says how many writes sit in a
 * queue (the node's, mostly) rather than on the link. Adjusted once per round of writes.
 */
export class InFlightLimit {
  private limit = MIN_IN_FLIGHT;
  private fastest = Infinity;
  private smoothed = 0;
  private untilAdjust = MIN_IN_FLIGHT;

  get value(): number {
    return Math.max(this.limit, this.floor());
  }

  acknowledged(roundTripMs: number): void {
    this.fastest = Math.min(this.fastest, roundTripMs);
    this.smoothed = this.smoothed === 0 ? roundTripMs : this.smoothed + (roundTripMs - this.smoothed) / 8;
    if (--this.untilAdjust > 0) return;
    const queued = this.value * (1 - this.fastest / this.smoothed);
    if (queued < QUEUE_LOW) this.limit = Math.min(MAX_IN_FLIGHT, this.value + 1);
    else if (queued > QUEUE_HIGH) this.limit = Math.max(this.floor(), this.value - 1);
    this.untilAdjust = this.value;
  }

  private floor(): number {
    return Math.min(MAX_IN_FLIGHT, MIN_IN_FLIGHT * Math.max(1, pushesRunning));
  }
}
