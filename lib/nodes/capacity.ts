import 'server-only';
import { sh } from '@/lib/ssh/shell';
import type { SshSession } from '@/lib/ssh/session';
import { UnavailableError } from '@/lib/errors';

export type NodeCapacity = { cpus: number; memoryBytes: number; diskTotalBytes: number; diskFreeBytes: number };

/**
 * Reads CPUs, memory and the image directory's disk over SSH. The directory is created when missing
 * and must be writable. Numbers are read in KiB and multiplied here, not by awk, which may print
 * large values in exponent form.
 */
export async function readCapacity(session: SshSession, imageDir: string): Promise<NodeCapacity> {
  const out = await session.run(
    sh`mkdir -p -- ${imageDir} && { test -w ${imageDir} || { echo 'the image directory is not writable' >&2; exit 1; }; } && nproc && grep '^MemTotal:' /proc/meminfo && df -Pk -- ${imageDir}`,
    'Reading capacity',
  );
  return parseCapacity(out);
}

export function parseCapacity(out: string): NodeCapacity {
  const lines = out.trim().split('\n');
  const cpus = Number(lines[0]);
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(lines[1] ?? '')?.[1]);
  const df = (lines.at(-1) ?? '').trim().split(/\s+/);
  const totalKiB = Number(df[1]);
  const freeKiB = Number(df[3]);
  if (![cpus, memKiB, totalKiB, freeKiB].every(Number.isFinite)) {
    throw new UnavailableError(`The node's capacity report could not be read: ${JSON.stringify(out.slice(0, 200))}`);
  }
  return { cpus, memoryBytes: memKiB * 1024, diskTotalBytes: totalKiB * 1024, diskFreeBytes: freeKiB * 1024 };
}
