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

/** What `qemu-img info --output=json` says: the format, and what the file names besides itself. */
export type QemuInfo = {
  format: string;
  virtualSize?: number;
  /** The file as qemu-img was given it; a self-contained VMDK's one extent is this very name. */
  filename?: string;
  backingFile?: string;
  dataFile?: string;
  extentFiles?: string[];
};

export type FormatEvidence = {
  /** The first bytes of the file (HEAD_BYTES of lib/images/file-safety.ts; at least 64). */
  head: Buffer;
  /** 5 bytes at 0x8001, where ISO 9660 writes `CD001`. */
  isoMagic: Buffer;
  /** The last 512 bytes (or the first 8 of them), where a VHD keeps its `conectix` footer. */
  vhdFooter: Buffer;
  /** For a file starting `KDMV`: the bytes after its header, where a sparse VMDK keeps its descriptor. */
  vmdkArea?: Buffer;
  /** `qemu-img info --output=json`, when the node has qemu-img. */
  qemu?: QemuInfo;
  /** Why `qemu-img info` failed on the file, when the node has qemu-img. */
  qemuError?: string;
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
  if (starts('conectix') || e.vhdFooter.subarray(0, 8).equals(Buffer.from('conectix'))) return 'vhd';
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
    return signature && STRUCTURED.includes(signature)
      ? wrong(signature)
      : { ok: true, detected: 'raw', how: 'file signature' };
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
export function parseQemuInfo(json: string): QemuInfo | undefined {
  try {
    const info = JSON.parse(json) as Record<string, unknown> & {
      'format-specific'?: { data?: Record<string, unknown> };
    };
    if (typeof info.format !== 'string') return undefined;
    const parsed: QemuInfo = {
      format: info.format,
      virtualSize: typeof info['virtual-size'] === 'number' ? info['virtual-size'] : undefined,
    };
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const data = info['format-specific']?.data ?? {};
    if (text(info.filename) !== undefined) parsed.filename = text(info.filename);
    const backing = text(info['backing-filename']) ?? text(info['full-backing-filename']);
    if (backing !== undefined) parsed.backingFile = backing;
    if (text(data['data-file']) !== undefined) parsed.dataFile = text(data['data-file']);
    if (Array.isArray(data.extents)) {
      // An extent qemu names oddly counts as foreign: it cannot be shown to be the file itself.
      parsed.extentFiles = data.extents.map((x: { filename?: unknown } | null) => text(x?.filename) ?? '(unnamed)');
    }
    return parsed;
  } catch {
    return undefined;
  }
}
