import { describe, expect, it } from 'vitest';
import { CurlMeter, parseMeterLine } from '@/lib/install/download';
import { urlOnStdin } from '@/lib/install/downloader';

describe("curl's progress meter", () => {
  it('reads the received column, with its unit', () => {
    expect(parseMeterLine(' 29  143M   29 41.9M    0     0  45.9M      0  0:00:03 --:--:--  0:00:03 45.9M')).toBe(
      Math.round(41.9 * 1024 ** 2),
    );
    expect(parseMeterLine('100  6144  100  6144    0     0   595k      0 --:--:-- --:--:-- --:--:--  600k')).toBe(6144);
    expect(parseMeterLine('  3 1024G    3 31.2G    0     0   1.0G      0  0:17:00  0:00:31  0:16:29 1.0G')).toBe(
      Math.round(31.2 * 1024 ** 3),
    );
  });

  it('ignores the header lines and error messages', () => {
    expect(
      parseMeterLine('  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current'),
    ).toBeNull();
    expect(parseMeterLine('                                 Dload  Upload   Total   Spent    Left  Speed')).toBeNull();
    expect(parseMeterLine('curl: (18) transfer closed with 100 bytes remaining to read')).toBeNull();
  });

  it('follows updates split across chunks and carriage returns', () => {
    const seen: number[] = [];
    const meter = new CurlMeter((bytes) => seen.push(bytes));
    meter.feed('  % Total    % Received % Xferd  Average Speed\n                                 Dload\n');
    meter.feed('\r 10  100M   10 10.0M    0     0  10.0M      0  0:00:10 --:--:--  0:00:10 10.0M\r 20  100M   20 20.');
    meter.feed('0M    0     0  10.0M      0  0:00:10  0:00:02  0:00:08 10.0M\r');
    expect(seen).toEqual([10 * 1024 ** 2, 20 * 1024 ** 2]);
  });
});

describe('the URL handed to the downloader on stdin', () => {
  it('is one quoted curl config line, with quotes and backslashes escaped', () => {
    expect(urlOnStdin('curl', 'http://u:p@mirror/a"b\\c?x=$(y)')).toBe('url = "http://u:p@mirror/a\\"b\\\\c?x=$(y)"\n');
    expect(urlOnStdin('wget', 'http://mirror/a')).toBe('http://mirror/a\n');
  });

  it('refuses a line break, which would start a second config line', () => {
    expect(() => urlOnStdin('curl', 'http://mirror/a\nurl = "http://evil/"')).toThrow(/line break/);
  });
});
