import 'server-only';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { DiskFormat } from '@/lib/db/enums';

/**
 * Azure's disk format: a fixed VHD, that is the raw disk followed by a 512-byte footer, whose
 * virtual size is a whole number of MiB. qemu-img makes it: `force_size` keeps the size exactly
 * (instead of rounding it to a CHS geometry), and the disk is first grown to the next MiB.
 */

const MiB = 1024 * 1024;
const FOOTER_BYTES = 512;
const FIXED_DISK = 2;
const DISK_TYPES: Record<number, string> = { 2: 'fixed', 3: 'dynamic', 4: 'differencing' };

/** qemu-img's name of each format it reads; kernels and ramdisks are no disks. */
const QEMU_FORMATS: Partial<Record<DiskFormat, string>> = {
  qcow2: 'qcow2',
  raw: 'raw',
  vmdk: 'vmdk',
  vhd: 'vpc',
  vhdx: 'vhdx',
  vdi: 'vdi',
  iso: 'raw',
  ami: 'raw',
};

/**
 * Writes `source` (of `sourceFormat`) to `dest` as a fixed VHD of the source's virtual size rounded
 * up to a whole MiB. The target is created at its final size first and the data converted into it
 * (`-n`), so no raw scratch copy is needed; regions the source leaves unallocated stay holes. A
 * failed or aborted conversion leaves no `dest`.
 */
export async function convertToFixedVhd(
  source: string,
  sourceFormat: DiskFormat,
  dest: string,
  signal: AbortSignal,
): Promise<void> {
  const format = QEMU_FORMATS[sourceFormat];
  if (!format) throw new Error(`A ${sourceFormat} image is not a disk; it cannot become a VHD.`);
  try {
    const info = JSON.parse(await qemuImg(['info', '-f', format, '--output=json', source], signal)) as {
      'virtual-size'?: number;
    };
    const virtual = info['virtual-size'] ?? 0;
    if (virtual <= 0) throw new Error(`qemu-img reports no virtual size for ${source}.`);
    const size = Math.ceil(virtual / MiB) * MiB;
    await fs.promises.rm(dest, { force: true });
    await qemuImg(['create', '-q', '-f', 'vpc', '-o', 'subformat=fixed,force_size=on', dest, String(size)], signal);
    // The new file is all zeros (sparse), so zeros in the source need not be written.
    await qemuImg(['convert', '-q', '-n', '--target-is-zero', '-f', format, '-O', 'vpc', source, dest], signal);
    const problems = fixedVhdProblems(await readVhdFooter(dest));
    if (problems.length > 0) throw new Error(`qemu-img wrote ${dest}, but it ${problems.join('; ')}.`);
  } catch (err) {
    await fs.promises.rm(dest, { force: true });
    throw err;
  }
}

export type VhdFooter = {
  /** "conectix" in a VHD. */
  cookie: string;
  /** 2 fixed, 3 dynamic, 4 differencing. */
  diskType: number;
  /** The disk's size as the footer says it, in bytes. */
  currentSize: number;
  originalSize: number;
  /** The checksum the footer holds, and the one its bytes make. */
  checksum: number;
  computedChecksum: number;
  fileSize: number;
};

/** Reads the footer (the file's last 512 bytes), as VHD specification 1.0 lays it out, big-endian. */
export async function readVhdFooter(path: string): Promise<VhdFooter> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const footer = Buffer.alloc(FOOTER_BYTES);
    if (fileSize >= FOOTER_BYTES) await handle.read(footer, 0, FOOTER_BYTES, fileSize - FOOTER_BYTES);
    return {
      cookie: footer.toString('latin1', 0, 8),
      originalSize: Number(footer.readBigUInt64BE(40)),
      currentSize: Number(footer.readBigUInt64BE(48)),
      diskType: footer.readUInt32BE(60),
      checksum: footer.readUInt32BE(64),
      computedChecksum: footerChecksum(footer),
      fileSize,
    };
  } finally {
    await handle.close();
  }
}

/** The one's complement of the sum of the footer's bytes, its checksum field (bytes 64–67) left out. */
export function footerChecksum(footer: Buffer): number {
  let sum = 0;
  for (let i = 0; i < FOOTER_BYTES; i++) if (i < 64 || i > 67) sum += footer[i]!;
  return ~sum >>> 0;
}

/** What keeps the file from being a VHD Azure takes (as phrases: "is …"); empty when it is one. */
export function fixedVhdProblems(footer: VhdFooter): string[] {
  if (footer.fileSize < FOOTER_BYTES || footer.cookie !== 'conectix')
    return ['has no VHD footer (its last 512 bytes do not start with "conectix")'];
  const problems: string[] = [];
  if (footer.checksum !== footer.computedChecksum) problems.push('has a VHD footer whose checksum is wrong');
  if (footer.diskType !== FIXED_DISK) {
    problems.push(`is a ${DISK_TYPES[footer.diskType] ?? `type ${footer.diskType}`} VHD, not a fixed one`);
    return problems;
  }
  if (footer.currentSize !== footer.fileSize - FOOTER_BYTES)
    problems.push(`says its disk is ${footer.currentSize} bytes, but holds ${footer.fileSize - FOOTER_BYTES}`);
  if (footer.currentSize === 0 || footer.currentSize % MiB !== 0)
    problems.push(`has a virtual size of ${footer.currentSize} bytes, not a whole number of MiB`);
  return problems;
}

/** True when the file at `path` is a fixed VHD of a whole number of MiB, as Azure takes it; else it needs convertToFixedVhd. */
export async function isAzureReadyVhd(path: string): Promise<boolean> {
  return fixedVhdProblems(await readVhdFooter(path)).length === 0;
}

function qemuImg(args: string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('qemu-img', args, { signal, maxBuffer: 4 * MiB, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(new Error('qemu-img is not installed (Debian package qemu-utils); it converts images to VHD.'));
      if (signal.aborted) return reject(err);
      reject(new Error(`qemu-img ${args[0]} failed: ${stderr.trim() || err.message}`, { cause: err }));
    });
  });
}
