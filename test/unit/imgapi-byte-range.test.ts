import { describe, expect, it } from 'vitest';
import { resolveRange } from '@/lib/imgapi/serve/byte-range';

describe('resolveRange', () => {
  it('answers the whole file without a Range header', () => {
    expect(resolveRange(null, 100)).toEqual({ kind: 'full' });
  });

  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=10-', { start: 10, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=90-500', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=99-99', { start: 99, end: 99 }],
    [' bytes = 5 - 6 ', { start: 5, end: 6 }],
  ])('%s of 100 bytes is a part', (header, part) => {
    expect(resolveRange(header, 100)).toEqual({ kind: 'partial', ...part });
  });

  it.each(['bytes=100-', 'bytes=100-200', 'bytes=-0'])('%s of 100 bytes cannot be satisfied', (header) => {
    expect(resolveRange(header, 100)).toEqual({ kind: 'unsatisfiable' });
  });

  it('cannot satisfy any range of an empty file', () => {
    expect(resolveRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each(['bytes=0-9,20-29', 'bytes=9-0', 'bytes=-', 'items=0-9', 'bytes=a-b', 'bytes=0-99999999999999999999'])(
    'ignores %s and answers the whole file',
    (header) => {
      expect(resolveRange(header, 100)).toEqual({ kind: 'full' });
    },
  );
});
