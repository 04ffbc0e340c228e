import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, redactUrlCredentials } from '@/lib/format';
import { parseCapacity } from '@/lib/nodes/capacity';

describe('display helpers', () => {
  it('formats byte counts in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(8716288)).toBe('8.31 MiB');
    expect(formatBytes(2 ** 50)).toBe('1.00 PiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('formats durations for an ETA', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(65)).toBe('1 m 05 s');
    expect(formatDuration(7260)).toBe('2 h 01 m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('hides URL credentials but keeps the rest', () => {
    expect(redactUrlCredentials('https://user:s3cret@mirror.example.com/a.qcow2')).toBe('https://***@mirror.example.com/a.qcow2');
    expect(redactUrlCredentials('ftp://anonymous@ftp.example.com/x')).toBe('ftp://***@ftp.example.com/x');
    expect(redactUrlCredentials('http://mirror/a@b.qcow2')).toBe('http://mirror/a@b.qcow2');
  });
});

describe("a node's capacity report", () => {
  it('is read from nproc, /proc/meminfo and df -Pk', () => {
    const report = ['4', 'MemTotal:       16318588 kB', 'Filesystem 1024-blocks Used Available Capacity Mounted on', '/dev/vda1 263174212 20000000 243174212 8% /'].join('\n');
    expect(parseCapacity(report)).toEqual({
      cpus: 4,
      memoryBytes: 16318588 * 1024,
      diskTotalBytes: 263174212 * 1024,
      diskFreeBytes: 243174212 * 1024,
    });
  });

  it('is refused when it cannot be read', () => {
    expect(() => parseCapacity('bash: nproc: command not found')).toThrow(/could not be read/);
  });
});
