import type { FormatEvidence } from '@/lib/install/format';

/**
 * Is an image file self-contained? A qcow2 with a backing file or an external data file, a VMDK
 * whose descriptor names other files, or a differencing VHD has the hypervisor read files of the
 * host it runs on (the class of OpenStack's CVE-2024-32498, which Glance's format inspector
 * closes). Such a file is refused wherever it arrives: the portal's store and every node.
 *
 * Pure functions over bytes already read. The header is always judged, and judged first, because
 * qemu-img may be missing, or fail on exactly such a file; qemu-img's report only adds to it.
 * What the file is decides (its signature), never the format the image claims.
 */

/** What the check reads: the file's first bytes (qcow2 headers with their extensions and backing name). */
export const HEAD_BYTES = 4096;
/** The file's last bytes, where a VHD keeps its footer. */
export const TAIL_BYTES = 512;
/** For a sparse VMDK: from sector 1, where its descriptor lives, up to 64 KiB. */
export const VMDK_AREA = { offset: 512, bytes: 64 * 1024 };

export type SafetyEvidence = Pick<FormatEvidence, 'head' | 'vhdFooter' | 'vmdkArea' | 'qemu' | 'qemuError'>;

const QCOW_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
const VMDK_MAGIC = Buffer.from('KDMV');
/** qcow2 incompatible feature bits: 2 is the external data file; 5 and up mean nothing to us (nor to Glance). */
const QCOW2_DATA_FILE_BIT = 2n;
const QCOW2_KNOWN_BITS = 5n;
/** The header extension that holds the external data file's name ("DATA"). */
const QCOW2_DATA_FILE_EXTENSION = 0x44415441;
/** The only VMDK kinds that keep every byte in the one file. */
const SELF_CONTAINED_VMDK = ['monolithicSparse', 'streamOptimized'];
/** qemu reads a sparse VMDK's parentFileNameHint from 20 sectors at 0x200, whatever the header says. */
const QEMU_VMDK_DESCRIPTOR_BYTES = 20 * 512;
const VHD_DIFFERENCING = 4;

const outside = (what: string) => `${what}; an image must not point outside itself. It was refused.`;
const backingFile = (name: string) => outside(`The image names a backing file (${name})`);
const extentFile = (name: string) => outside(`The image names an extent file (${name})`);
export const VMDK_DESCRIPTOR_REFUSAL = outside(
  'The image is a VMDK descriptor, whose data lives in the files it names',
);

export function startsAsSparseVmdk(head: Buffer): boolean {
  return head.subarray(0, 4).equals(VMDK_MAGIC);
}

/** Why the file is not self-contained, or null when nothing says it is not. */
export function unsafeFileReason(e: SafetyEvidence): string | null {
  return unsafeHeaderReason(e) ?? unsafeQemuReason(e);
}

/** The header's verdict alone; with a refusal here, qemu-img need not even open the file (and the files it names). */
export function unsafeHeaderReason(e: Pick<SafetyEvidence, 'head' | 'vhdFooter' | 'vmdkArea'>): string | null {
  const { head } = e;
  if (head.subarray(0, 4).equals(QCOW_MAGIC)) return qcowReason(head);
  if (startsAsSparseVmdk(head)) return sparseVmdkReason(head, e.vmdkArea ?? Buffer.alloc(0));
  if (isVmdkDescriptor(head)) return VMDK_DESCRIPTOR_REFUSAL;
  if (vhdDiskType(head) === VHD_DIFFERENCING || vhdDiskType(e.vhdFooter) === VHD_DIFFERENCING) {
    return outside('The image is a differencing VHD, which reads from a parent disk');
  }
  return null;
}

function unsafeQemuReason(e: Pick<SafetyEvidence, 'qemu' | 'qemuError'>): string | null {
  if (e.qemuError !== undefined) return `qemu-img could not read the file: ${e.qemuError}. It was refused.`;
  const q = e.qemu;
  if (!q) return null;
  if (q.backingFile !== undefined) return backingFile(q.backingFile);
  if (q.dataFile !== undefined) return outside(`The image names an external data file (${q.dataFile})`);
  const foreign = q.extentFiles?.find((f) => f !== q.filename);
  return foreign === undefined ? null : extentFile(foreign);
}

/**
 * qemu-img's own reason for failing, in one line. Its failure refuses the file rather than passing
 * it: qemu-img fails on the very files that name what it cannot open.
 */
export function qemuFailure(code: number | null, stderr: string): string {
  const line = stderr
    .trim()
    .split('\n')[0]
    ?.trim()
    .replace(/^qemu-img: /, '');
  if (code === 0) return 'its report could not be read';
  return line || `it ended with exit status ${code ?? 'unknown'}`;
}

/** qcow (version 1) shares the backing file fields; the feature bits exist from version 3 on. */
function qcowReason(head: Buffer): string | null {
  if (head.length < 20) return 'The image is a qcow2 too short to hold its header. It was refused.';
  const backingAt = head.readBigUInt64BE(8);
  if (backingAt !== 0n) {
    const size = head.readUInt32BE(16);
    const end = backingAt + BigInt(size);
    const name =
      size > 0 && end <= BigInt(head.length)
        ? head.toString('utf8', Number(backingAt), Number(end))
        : `named at byte ${backingAt}`;
    return backingFile(name);
  }
  if (head.readUInt32BE(4) < 3) return null;
  if (head.length < 80) return 'The image is a qcow2 too short to hold its header. It was refused.';
  const incompatible = head.readBigUInt64BE(72);
  if ((incompatible >> QCOW2_DATA_FILE_BIT) & 1n) {
    return outside(
      `The image names an external data file (${qcow2DataFileName(head) ?? 'named in a header extension'})`,
    );
  }
  const unknown = [...Array(64).keys()].filter(
    (bit) => BigInt(bit) >= QCOW2_KNOWN_BITS && (incompatible >> BigInt(bit)) & 1n,
  );
  if (unknown.length === 0) return null;
  return `The image uses qcow2 incompatible features the portal does not know (bits ${unknown.join(', ')}), so it cannot be shown to be self-contained. It was refused.`;
}

/** The external data file's name, from the header extensions that follow a version 3 header. */
function qcow2DataFileName(head: Buffer): string | null {
  let at = head.length >= 104 ? head.readUInt32BE(100) : 104;
  while (at + 8 <= head.length) {
    const type = head.readUInt32BE(at);
    const length = head.readUInt32BE(at + 4);
    if (type === 0) return null;
    if (type === QCOW2_DATA_FILE_EXTENSION)
      return at + 8 + length <= head.length ? head.toString('utf8', at + 8, at + 8 + length) : null;
    at += 8 + Math.ceil(length / 8) * 8;
  }
  return null;
}

/**
 * A sparse VMDK's header (little-endian): capacity at 12, descriptor offset and size (sectors) at
 * 28 and 36. `area` holds the file's bytes from VMDK_AREA.offset on.
 */
function sparseVmdkReason(head: Buffer, area: Buffer): string | null {
  if (head.length < 44) return 'The image is a VMDK too short to hold its header. It was refused.';
  const capacity = head.readBigUInt64LE(12);
  const descriptorAt = head.readBigUInt64LE(28);
  const descriptorSectors = head.readBigUInt64LE(36);
  // qemu then opens the descriptor's extents instead of this file: a descriptor file in disguise.
  if (capacity === 0n && descriptorAt !== 0n) return VMDK_DESCRIPTOR_REFUSAL;
  const parent = [text(area.subarray(0, QEMU_VMDK_DESCRIPTOR_BYTES))];
  if (descriptorAt !== 0n && descriptorSectors !== 0n) {
    const start = descriptorAt * 512n - BigInt(VMDK_AREA.offset);
    const end = start + descriptorSectors * 512n;
    if (start < 0n || end > BigInt(VMDK_AREA.bytes)) {
      return `The image's VMDK descriptor lies outside the ${VMDK_AREA.bytes / 1024} KiB after its header, where it is checked. It was refused.`;
    }
    const descriptor = text(area.subarray(Number(start), Number(end)));
    parent.push(descriptor);
    const createType = /createType\s*=\s*"([^"]*)"/.exec(descriptor)?.[1];
    if (!createType || !SELF_CONTAINED_VMDK.includes(createType)) {
      return `The image is a VMDK of type "${createType ?? 'unknown'}"; only ${SELF_CONTAINED_VMDK.join(' and ')} VMDKs hold all their data. It was refused.`;
    }
    // Its one extent is this very file; Glance, too, refuses any other kind and any path.
    const foreign = extentsOf(descriptor).find((x) => x.type !== 'SPARSE' || /[/\\]/.test(x.file));
    if (foreign) return extentFile(foreign.file);
  }
  for (const descriptor of parent) {
    if (descriptor.includes('parentFileNameHint')) {
      return backingFile(/parentFileNameHint\s*=\s*"([^"]*)"/.exec(descriptor)?.[1] ?? 'named by parentFileNameHint');
    }
  }
  return null;
}

/** Extent lines such as `RW 2048 SPARSE "disk.vmdk"` (and `FLAT "x" 0`). */
function extentsOf(descriptor: string): { type: string; file: string }[] {
  return [...descriptor.matchAll(/^\s*(?:RW|RDONLY|NOACCESS)\s+\d+\s+(\S+)\s+"([^"\r\n]*)"/gm)].map((m) => ({
    type: m[1]!,
    file: m[2]!,
  }));
}

/**
 * A VMDK descriptor as a file of its own: Glance's `# Disk DescriptorFile`, or what qemu's probe
 * takes for one in the first 512 bytes (comment and blank lines, then `version=1`, 2 or 3).
 */
function isVmdkDescriptor(head: Buffer): boolean {
  const start = head.toString('latin1', 0, 512);
  if (start.startsWith('# Disk DescriptorFile')) return true;
  let at = 0;
  while (at < start.length) {
    if (start[at] === '#') {
      const newline = start.indexOf('\n', at);
      if (newline < 0) return false;
      at = newline + 1;
    } else if (start[at] === ' ') {
      while (start[at] === ' ') at++;
      if (start[at] === '\r') at++;
      if (start[at] !== '\n') return false;
      at++;
    } else {
      return /^version=[123]\r?\n/.test(start.slice(at, at + 11));
    }
  }
  return false;
}

/** The disk type of a VHD footer (u32 big-endian at 60), or null when `bytes` is no footer. */
function vhdDiskType(bytes: Buffer): number | null {
  return bytes.length >= 64 && bytes.subarray(0, 8).toString('latin1') === 'conectix' ? bytes.readUInt32BE(60) : null;
}

/** Descriptor text as C code reads it: up to the first NUL. */
function text(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('latin1', 0, nul < 0 ? bytes.length : nul);
}
