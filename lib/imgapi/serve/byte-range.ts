/**
 * The one `Range` form IMGAPI downloads need (RFC 9110 §14): a single `bytes=` range, to resume a
 * cut-off download. Pure, so it is tested without a server.
 *
 * - `bytes=a-b`, `bytes=a-` and `bytes=-n` (the last n bytes) give a partial answer; an end past
 *   the file is cut to the file.
 * - A range that starts past the end, or `-0`, cannot be satisfied: 416.
 * - Several ranges are answered with the whole file, which RFC 9110 allows ("a server MAY ignore
 *   the Range header"): no client of ours asks for them, and multipart/byteranges bodies are not
 *   worth their weight here. A header we cannot parse, or another unit, is ignored the same way.
 */
export type RangeAnswer =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

export function resolveRange(header: string | null, size: number): RangeAnswer {
  if (header === null) return { kind: 'full' };
  const match = SINGLE.exec(header.replace(/\s+/g, ''));
  if (!match) return { kind: 'full' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return { kind: 'full' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  // `a-b` with b < a is not a range at all (ignored); a start past the end is one we cannot serve.
  if (!Number.isSafeInteger(start) || (last !== '' && (!Number.isSafeInteger(end) || end < start)))
    return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}
