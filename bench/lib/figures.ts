/** The arithmetic behind the reported figures. MiB is 2^20 bytes, and MiB/s accordingly. */

export const MiB = 1024 * 1024;

export const mbps = (bytes: number, seconds: number) => bytes / MiB / seconds;

/** Medians, not means: one slow spell of a shared machine should not move a figure. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** A figure as it goes into the JSON: fixed digits, and null rather than NaN or Infinity (not valid JSON). */
export const round = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits));
