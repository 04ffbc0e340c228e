/** Real disk images for tests and the demo, made with qemu-img from Debian's qemu-utils. */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';

export type FixtureImage = { file: string; sizeBytes: number; sha256: string; md5: string };

/**
 * A qcow2 of `virtualMb` with `dataMb` of data written into it in two patterns, so the file is
 * a genuine qcow2 with a non-trivial checksum.
 */
export function makeQcow2(file: string, virtualMb = 64, dataMb = 8): FixtureImage {
  if (!fs.existsSync(file)) {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, `${virtualMb}M`]);
    const half = Math.max(1, Math.floor(dataMb / 2));
    execFileSync(
      'qemu-io',
      ['-f', 'qcow2', '-c', `write -P 0x5a 0 ${half}M`, '-c', `write -P 0xa5 ${half}M ${half}M`, file],
      {
        stdio: 'ignore',
      },
    );
  }
  return describeFile(file);
}

export function describeFile(file: string): FixtureImage {
  const data = fs.readFileSync(file);
  return {
    file,
    sizeBytes: data.length,
    sha256: crypto.createHash('sha256').update(data).digest('hex'),
    md5: crypto.createHash('md5').update(data).digest('hex'),
  };
}
