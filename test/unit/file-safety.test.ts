import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import {
  HEAD_BYTES,
  qemuFailure,
  startsAsSparseVmdk,
  TAIL_BYTES,
  unsafeFileReason,
  VMDK_AREA,
  type SafetyEvidence,
} from '@/lib/images/file-safety';
import { parseQemuInfo } from '@/lib/install/format';
import { refuseUnlessSelfContained } from '@/lib/store/file-safety';

/** Real images made by the real qemu-img, some then edited byte by byte as an attacker would. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-file-safety-'));
const at = (name: string) => path.join(dir, name);
const qemuImg = (...args: string[]) => execFileSync('qemu-img', ['create', '-q', ...args], { stdio: 'pipe' });
const refused = (what: string) => `${what}; an image must not point outside itself. It was refused.`;

/** The bytes a node or the store reads from a file, and nothing else. */
function headerEvidence(file: string): SafetyEvidence {
  const data = fs.readFileSync(file);
  const head = data.subarray(0, HEAD_BYTES);
  const vmdkArea = startsAsSparseVmdk(head)
    ? data.subarray(VMDK_AREA.offset, VMDK_AREA.offset + VMDK_AREA.bytes)
    : undefined;
  return { head, vhdFooter: data.subarray(Math.max(0, data.length - TAIL_BYTES)), vmdkArea };
}

/** What `qemu-img info --output=json` on this machine says of the file, or why it failed. */
function qemuReport(file: string): Pick<SafetyEvidence, 'qemu' | 'qemuError'> {
  const run = spawnSync('qemu-img', ['info', '--output=json', '--', file], { encoding: 'utf8' });
  const qemu = run.status === 0 ? parseQemuInfo(run.stdout) : undefined;
  return qemu ? { qemu } : { qemuError: qemuFailure(run.status, run.stderr) };
}

/** A header that says nothing, so that only qemu-img's report can speak. */
const silentHeader = { head: Buffer.alloc(HEAD_BYTES), vhdFooter: Buffer.alloc(TAIL_BYTES) };

/** Rewrites the descriptor a sparse VMDK embeds in the 20 sectors after its header. */
function editVmdk(from: string, to: string, edit: (descriptor: string) => string, capacityZero = false) {
  const data = fs.readFileSync(at(from));
  const descriptor = data.toString('latin1', 512, 512 + 20 * 512).replace(/\0+$/, '');
  data.fill(0, 512, 512 + 20 * 512);
  data.write(edit(descriptor), 512, 'latin1');
  if (capacityZero) data.writeBigUInt64LE(0n, 12);
  fs.writeFileSync(at(to), data);
}

beforeAll(() => {
  qemuImg('-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', at('backing.qcow2'));
  qemuImg('-f', 'qcow2', '-o', `data_file=${at('data.raw')},data_file_raw=on`, at('data-file.qcow2'), '1M');
  qemuImg('-f', 'vmdk', '-o', 'subformat=monolithicFlat', at('descriptor.vmdk'), '1M');
  qemuImg('-f', 'vmdk', at('sparse.vmdk'), '1M');
  qemuImg('-f', 'vmdk', '-o', 'subformat=streamOptimized', at('stream.vmdk'), '1M');
  qemuImg('-f', 'qcow2', at('plain.qcow2'), '1M');
  qemuImg('-f', 'raw', at('disk.raw'), '1M');
  qemuImg('-f', 'vpc', '-o', 'subformat=dynamic', at('dynamic.vhd'), '1M');

  const unknown = fs.readFileSync(at('plain.qcow2'));
  unknown.writeBigUInt64BE((1n << 63n) | (1n << 5n), 72); // incompatible features the portal has never heard of
  fs.writeFileSync(at('unknown-features.qcow2'), unknown);
  editVmdk('sparse.vmdk', 'parent.vmdk', (d) =>
    d.replace('parentCID=ffffffff\n', 'parentCID=ffffffff\nparentFileNameHint="/etc/shadow"\n'),
  );
  editVmdk('sparse.vmdk', 'device-extent.vmdk', (d) => d.replace('SPARSE "sparse.vmdk"', 'SPARSE "/dev/sda"'));
  editVmdk('sparse.vmdk', 'vmfs.vmdk', (d) => d.replace('createType="monolithicSparse"', 'createType="vmfs"'));
  // A sparse header with no capacity hands over to its descriptor, whose extents qemu then opens.
  const disguised = (d: string) =>
    d.replace('monolithicSparse', 'monolithicFlat').replace('SPARSE "sparse.vmdk"', 'FLAT "/etc/hostname" 0');
  editVmdk('sparse.vmdk', 'disguised.vmdk', disguised, true);
  fs.writeFileSync(
    at('bare-descriptor.vmdk'),
    'version=1\ncreateType="monolithicFlat"\nRW 2048 FLAT "/etc/hostname" 0\n',
  );
  const differencing = fs.readFileSync(at('dynamic.vhd'));
  differencing.writeUInt32BE(4, 60); // the footer's copy at the start
  differencing.writeUInt32BE(4, differencing.length - 512 + 60);
  fs.writeFileSync(at('differencing.vhd'), differencing);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DESCRIPTOR = refused('The image is a VMDK descriptor, whose data lives in the files it names');
const unsafe: [string, string, () => string][] = [
  ['a qcow2 with a backing file', 'backing.qcow2', () => refused('The image names a backing file (/etc/hostname)')],
  [
    'a qcow2 with an external data file',
    'data-file.qcow2',
    () => refused(`The image names an external data file (${at('data.raw')})`),
  ],
  ['a VMDK descriptor with a flat extent', 'descriptor.vmdk', () => DESCRIPTOR],
  ['a VMDK descriptor without its title line', 'bare-descriptor.vmdk', () => DESCRIPTOR],
  ['a sparse VMDK whose header hands over to its descriptor', 'disguised.vmdk', () => DESCRIPTOR],
  ['a sparse VMDK with a parent', 'parent.vmdk', () => refused('The image names a backing file (/etc/shadow)')],
  [
    'a sparse VMDK naming another extent',
    'device-extent.vmdk',
    () => refused('The image names an extent file (/dev/sda)'),
  ],
  [
    'a sparse VMDK of another type',
    'vmfs.vmdk',
    () =>
      'The image is a VMDK of type "vmfs"; only monolithicSparse and streamOptimized VMDKs hold all their data. It was refused.',
  ],
  [
    'a qcow2 with unknown incompatible features',
    'unknown-features.qcow2',
    () =>
      'The image uses qcow2 incompatible features the portal does not know (bits 5, 63), so it cannot be shown to be self-contained. It was refused.',
  ],
  [
    'a differencing VHD',
    'differencing.vhd',
    () => refused('The image is a differencing VHD, which reads from a parent disk'),
  ],
];
const safe = ['plain.qcow2', 'sparse.vmdk', 'stream.vmdk', 'disk.raw', 'dynamic.vhd'];

describe('judging whether an image file is self-contained', () => {
  it.each(unsafe)('refuses %s, from its header alone and with qemu-img’s report', (_, file, reason) => {
    expect(unsafeFileReason(headerEvidence(at(file)))).toBe(reason());
    expect(unsafeFileReason({ ...headerEvidence(at(file)), ...qemuReport(at(file)) })).toBe(reason());
  });

  it.each(safe)('accepts %s, with and without qemu-img’s report', (file) => {
    expect(unsafeFileReason(headerEvidence(at(file)))).toBeNull();
    const report = qemuReport(at(file));
    expect(report.qemuError).toBeUndefined();
    expect(unsafeFileReason({ ...headerEvidence(at(file)), ...report })).toBeNull();
  });

  it('refuses on qemu-img’s report alone: a backing file, a data file, an extent that is another file', () => {
    const judge = (file: string) => unsafeFileReason({ ...silentHeader, ...qemuReport(at(file)) });
    expect(judge('backing.qcow2')).toBe(refused('The image names a backing file (/etc/hostname)'));
    expect(judge('data-file.qcow2')).toBe(refused(`The image names an external data file (${at('data.raw')})`));
    expect(judge('descriptor.vmdk')).toBe(refused(`The image names an extent file (${at('descriptor-flat.vmdk')})`));
    expect(judge('parent.vmdk')).toBe(refused('The image names a backing file (/etc/shadow)'));
    expect(judge('sparse.vmdk')).toBeNull();
  });

  it('takes qemu-img failing on a file for a refusal, not a pass', () => {
    const file = at('unknown-features.qcow2');
    expect(unsafeFileReason({ ...silentHeader, ...qemuReport(file) })).toBe(
      `qemu-img could not read the file: Could not open '${file}': Unsupported qcow2 feature(s): Unknown incompatible feature: 8000000000000020. It was refused.`,
    );
    expect(unsafeFileReason({ ...silentHeader, qemuError: qemuFailure(0, '') })).toBe(
      'qemu-img could not read the file: its report could not be read. It was refused.',
    );
  });

  it('judges what the file is, whatever name it goes by', () => {
    fs.copyFileSync(at('backing.qcow2'), at('innocent.raw'));
    expect(unsafeFileReason(headerEvidence(at('innocent.raw')))).toBe(
      refused('The image names a backing file (/etc/hostname)'),
    );
  });
});

describe('the store’s check of a local file', () => {
  it.each(unsafe)('throws the refusal for %s', async (_, file, reason) => {
    await expect(refuseUnlessSelfContained(at(file), ValidationError)).rejects.toThrow(new ValidationError(reason()));
    await expect(refuseUnlessSelfContained(at(file), ValidationError)).rejects.toBeInstanceOf(ValidationError);
  });

  it.each(safe)('lets %s through', async (file) => {
    await expect(refuseUnlessSelfContained(at(file), ValidationError)).resolves.toBeUndefined();
  });
});
