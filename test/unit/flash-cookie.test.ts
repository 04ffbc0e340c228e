import { describe, expect, it } from 'vitest';
import { decodeFlash, encodeFlash, FLASH_COOKIE, flashCookie } from '@/components/ui/flash-cookie';

describe('the one-shot flash cookie', () => {
  it('carries a notice through a redirect, in a value a cookie can hold', () => {
    const value = encodeFlash({ message: 'Repository "a; b", removed.', kind: 'success' });
    expect(value).not.toMatch(/[;,\s"]/);
    expect(decodeFlash(value)).toEqual({ message: 'Repository "a; b", removed.', kind: 'success' });
    expect(flashCookie('Done.', 'error')).toMatchObject({ name: FLASH_COOKIE, maxAge: 30, path: '/', sameSite: 'lax' });
  });

  it('ignores what is not a notice, and cuts a long one', () => {
    expect(decodeFlash(undefined)).toBeNull();
    expect(decodeFlash('%7Bnot json')).toBeNull();
    expect(decodeFlash(encodeURIComponent(JSON.stringify({ message: '' })))).toBeNull();
    expect(decodeFlash(encodeURIComponent(JSON.stringify({ message: 'x', kind: 'evil' })))).toEqual({
      message: 'x',
      kind: 'success',
    });
    expect(decodeFlash(encodeFlash({ message: 'y'.repeat(2000), kind: 'info' }))?.message).toHaveLength(500);
  });
});
