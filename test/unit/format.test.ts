import { describe, expect, it } from 'vitest';
import {
  bytesFromOd,
  formatFromSignature,
  judgeFormat,
  parseQemuInfo,
  type FormatEvidence,
} from '@/lib/install/format';

/** Evidence as the node would report it for a file starting with `head`. */
function evidence(head: Buffer | string, extra: Partial<FormatEvidence> = {}): FormatEvidence {
  const bytes = Buffer.alloc(64);
  Buffer.from(head as never).copy(bytes);
  return { head: bytes, isoMagic: Buffer.alloc(5), vhdFooter: Buffer.alloc(8), ...extra };
}

const vdiHead = () => {
  const head = Buffer.alloc(64 + 8);
  Buffer.from('<<< Oracle VM VirtualBox Disk Image >>>\n').copy(head);
  head.writeUInt32LE(0xbeda107f, 0x40);
  return head;
};

describe('disk format signatures', () => {
  it.each([
    ['qcow2', evidence(Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))],
    ['vhdx', evidence('vhdxfile')],
    ['vmdk', evidence('KDMV')],
    ['vmdk', evidence('# Disk DescriptorFile\nversion=1')],
    ['vdi', { head: vdiHead(), isoMagic: Buffer.alloc(5), vhdFooter: Buffer.alloc(8) }],
    ['vhd', evidence('', { vhdFooter: Buffer.from('conectix') })],
    ['iso', evidence('', { isoMagic: Buffer.from('CD001') })],
  ])('recognises %s', (format, e) => {
    expect(formatFromSignature(e)).toBe(format);
  });

  it('finds no signature in plain bytes', () => {
    expect(formatFromSignature(evidence('\x00\x01random'))).toBeNull();
  });
});

describe('judging a file against the image’s disk format', () => {
  it('accepts a file whose signature matches, and says how it knew', () => {
    expect(judgeFormat('qcow2', evidence(Buffer.from([0x51, 0x46, 0x49, 0xfb])))).toEqual({
      ok: true,
      detected: 'qcow2',
      how: 'file signature',
    });
  });

  it('refuses a qcow2 declared raw, as Ironic does', () => {
    expect(judgeFormat('raw', evidence(Buffer.from([0x51, 0x46, 0x49, 0xfb])))).toMatchObject({
      ok: false,
      message: 'Format mismatch: the image says raw, but the file is qcow2. The file was not installed.',
    });
  });

  it('refuses a plain file declared qcow2', () => {
    expect(judgeFormat('qcow2', evidence('plain'))).toMatchObject({
      ok: false,
      detected: 'raw or unknown (no known signature)',
    });
  });

  it('trusts qemu-img when it is there, and learns the virtual size from it', () => {
    expect(judgeFormat('qcow2', evidence('', { qemu: { format: 'qcow2', virtualSize: 67108864 } }))).toEqual({
      ok: true,
      detected: 'qcow2',
      virtualSizeBytes: 67108864,
      how: 'qemu-img info',
    });
    expect(judgeFormat('vhd', evidence('', { qemu: { format: 'vpc' } }))).toMatchObject({ ok: true });
    expect(judgeFormat('vmdk', evidence('', { qemu: { format: 'vpc' } }))).toMatchObject({
      ok: false,
      detected: 'vhd',
    });
  });

  it('needs the ISO 9660 signature for an iso, which qemu-img calls raw', () => {
    expect(judgeFormat('iso', evidence('', { qemu: { format: 'raw' } }))).toMatchObject({ ok: false });
    expect(judgeFormat('iso', evidence('', { qemu: { format: 'raw' }, isoMagic: Buffer.from('CD001') }))).toMatchObject(
      { ok: true },
    );
  });

  it('cannot check kernels and ramdisks, and says so instead of guessing', () => {
    expect(judgeFormat('aki', evidence('anything'))).toEqual({
      ok: true,
      detected: 'unknown',
      how: 'no check exists for aki files',
    });
  });
});

describe('reading the node’s reports', () => {
  it('turns od output into bytes', () => {
    expect(bytesFromOd(' 51 46 49 fb 00 00\n 00 03\n')).toEqual(Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]));
    expect(bytesFromOd('')).toEqual(Buffer.alloc(0));
  });

  it('reads qemu-img info JSON and ignores anything else', () => {
    expect(parseQemuInfo('{"format": "qcow2", "virtual-size": 1024}')).toEqual({ format: 'qcow2', virtualSize: 1024 });
    expect(parseQemuInfo('qemu-img: Could not open')).toBeUndefined();
    expect(parseQemuInfo('{"virtual-size": 1}')).toBeUndefined();
  });
});
