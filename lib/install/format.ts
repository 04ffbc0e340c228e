import type { DiskFormat } from '@/lib/db/enums';

/**
 * Does the file really hold the image's disk format? Ironic refuses a deploy whose detected format
 * differs, and so do we, before commit. Pure functions; `readFormatEvidence` in
 * lib/install/remote.ts gathers the evidence on the node.
 */

/** What `qemu-img info` calls each of our formats; aki/ari/ami (kernel, ramdisk) are plain files to it. */
const QEMU_NAMES: Partial<Record<DiskFormat, string>> = {
  qcow2: 'qcow2',
  raw: 'raw',
  vmdk: 'vmdk',
  vhd: 'vpc',
  vhdx: 'vhdx',
  vdi: 'vdi',
  iso: 'raw',
};

/** Container formats that a file declared `raw` must not turn out to be. */
const STRUCTURED: DiskFormat[] = ['qcow2', 'vhdx', 'vmdk', 'vdi', 'vhd'];

export type FormatEvidence = {
  /** The first 64 bytes of the file. */
  head: Buffer;
  /** 5 bytes at 0x8001, where ISO 9660 writes `CD001`. */
  isoMagic: Buffer;
  /** The first 8 bytes of the last 512, where a fixed VHD keeps its `conectix` footer. */
  vhdFooter: Buffer;
  /** `qemu-img info --output=json`, when the node has qemu-img. */
  qemu?: { format: string; virtualSize?: number };
};

export type FormatVerdict =
  | { ok: true; detected: string; virtualSizeBytes?: number; how: string }
  | { ok: false; detected: string; message: string };

/** The format a file's signature shows, or null for none we know (raw, kernels, ramdisks). */
export function formatFromSignature(e: Pick<FormatEvidence, 'head' | 'isoMagic' | 'vhdFooter'>): DiskFormat | null {
  const starts = (magic: string | number[]) => e.head.subarray(0, magic.length).equals(Buffer.from(magic as never));
  if (starts([0x51, 0x46, 0x49, 0xfb])) return 'qcow2';
  if (starts('vhdxfile')) return 'vhdx';
  if (starts('KDMV') || starts('# Disk DescriptorFile')) return 'vmdk';
  if (e.head.length >= 0x44 && e.head.readUInt32LE(0x40) === 0xbeda107f) return 'vdi';
  if (starts('conectix') || e.vhdFooter.equals(Buffer.from('conectix'))) return 'vhd';
  if (e.isoMagic.equals(Buffer.from('CD001'))) return 'iso';
  return null;
}

export function judgeFormat(expected: DiskFormat, e: FormatEvidence): FormatVerdict {
  const signature = formatFromSignature(e);
  const qemuName = QEMU_NAMES[expected];
  if (!qemuName) return { ok: true, detected: signature ?? 'unknown', how: `no check exists for ${expected} files` };
  const wrong = (detected: string) => ({
    ok: false as const,
    detected,
    message: `Format mismatch: the image says ${expected}, but the file is ${detected}. The file was not installed.`,
  });
  if (e.qemu) {
    if (e.qemu.format !== qemuName) return wrong(e.qemu.format === 'vpc' ? 'vhd' : e.qemu.format);
    // qemu-img reads an ISO as raw; only its signature tells the two apart.
    if (expected === 'iso' && signature !== 'iso') return wrong('raw (no ISO 9660 signature)');
    return { ok: true, detected: expected, virtualSizeBytes: e.qemu.virtualSize, how: 'qemu-img info' };
  }
  if (expected === 'raw') {
    return signature && STRUCTURED.includes(signature) ? wrong(signature) : { ok: true, detected: 'raw', how: 'file signature' };
  }
  if (signature !== expected) return wrong(signature ?? 'raw or unknown (no known signature)');
  return { ok: true, detected: expected, how: 'file signature' };
}

/** Parses `od -An -v -tx1` output into bytes. */
export function bytesFromOd(text: string): Buffer {
  const hex = text.match(/[0-9a-f]{2}/gi) ?? [];
  return Buffer.from(hex.map((h) => parseInt(h, 16)));
}

/** Reads `qemu-img info --output=json`; undefined when it is not what qemu-img prints. */
export function parseQemuInfo(json: string): FormatEvidence['qemu'] {
  try {
    const info = JSON.parse(json) as { format?: unknown; 'virtual-size'?: unknown };
    if (typeof info.format !== 'string') return undefined;
    return { format: info.format, virtualSize: typeof info['virtual-size'] === 'number' ? info['virtual-size'] : undefined };
  } catch {
    return undefined;
  }
}
