import crypto from 'node:crypto';

/**
 * Time and ids come from here only, so tests can pin them.
 */
type Clock = { now: () => Date; newId: () => string };

const systemClock: Clock = { now: () => new Date(), newId: () => crypto.randomUUID() };
let clock: Clock = systemClock;

export function now(): Date {
  return clock.now();
}

export function newId(): string {
  return clock.newId();
}

/** Replaces the clock for a test; returns a function that restores the system clock. */
export function setClockForTests(partial: Partial<Clock>): () => void {
  clock = { ...systemClock, ...partial };
  return () => {
    clock = systemClock;
  };
}
